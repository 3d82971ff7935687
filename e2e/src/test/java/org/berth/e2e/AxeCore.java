package org.berth.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The accessibility engine the journeys inject into pages: the npm package {@code axe-core} at a
 * pinned version, fetched once with npm's own client and checked against the registry's SHA-512
 * integrity before use ({@link NpmPackage}). Nothing of it is kept in the repository. Without npm
 * or the registry the tests fail, saying so.
 */
final class AxeCore {

  static final String VERSION = "4.14.1";

  /** {@code dist.integrity} of axe-core 4.14.1 as the npm registry publishes it. */
  private static final String INTEGRITY =
      "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==";

  private static String source;

  private AxeCore() {}

  /** The text of {@code axe.min.js}, fetched on first use. */
  static synchronized String source() {
    if (source == null) {
      Path file =
          new NpmPackage("axe-core", VERSION, INTEGRITY).unpacked("package/").resolve("axe.min.js");
      try {
        source = Files.readString(file);
      } catch (IOException e) {
        fail("Could not read " + file + " of axe-core " + VERSION + ": " + e, e);
      }
    }
    return source;
  }
}
