package org.berth.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * The accessibility engine the journeys inject into pages: the npm package {@code axe-core} at a
 * pinned version, fetched once with npm's own client ({@code npm pack}) into a cache outside the
 * build directory, and checked against the registry's SHA-512 integrity before use. Nothing of it
 * is kept in the repository.
 *
 * <p>The cache is {@code berth.e2e.npmCache} (a system property), else {@code
 * ~/.cache/berth-e2e/npm}. Without npm or the registry the tests fail, saying so.
 */
final class AxeCore {

  static final String VERSION = "4.14.1";

  /** {@code dist.integrity} of axe-core 4.14.1 as the npm registry publishes it. */
  private static final String INTEGRITY =
      "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==";

  private static final String ENTRY = "package/axe.min.js";
  private static String source;

  private AxeCore() {}

  /** The text of {@code axe.min.js}, fetched on first use. */
  static synchronized String source() {
    if (source == null) {
      source = read(tarball());
    }
    return source;
  }

  private static Path cacheDir() throws IOException {
    String configured = System.getProperty("berth.e2e.npmCache");
    Path dir =
        configured == null || configured.isBlank()
            ? Path.of(System.getProperty("user.home"), ".cache", "berth-e2e", "npm")
            : Path.of(configured);
    return Files.createDirectories(dir);
  }

  private static Path tarball() {
    try {
      Path dir = cacheDir();
      Path tgz = dir.resolve("axe-core-" + VERSION + ".tgz");
      if (Files.isRegularFile(tgz) && INTEGRITY.equals(integrity(tgz))) {
        return tgz;
      }
      Files.deleteIfExists(tgz);
      Process npm =
          new ProcessBuilder(
                  "npm",
                  "pack",
                  "axe-core@" + VERSION,
                  "--pack-destination",
                  dir.toString(),
                  "--cache",
                  dir.resolve("npm-cache").toString(),
                  "--silent")
              .redirectErrorStream(true)
              .start();
      String output = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!npm.waitFor(120, TimeUnit.SECONDS)
          || npm.exitValue() != 0
          || !Files.isRegularFile(tgz)) {
        fail(
            "Could not fetch axe-core "
                + VERSION
                + " with 'npm pack' (npm and the npm registry are needed for the accessibility"
                + " checks): "
                + output);
      }
      String got = integrity(tgz);
      if (!INTEGRITY.equals(got)) {
        Files.delete(tgz);
        fail("axe-core " + VERSION + " from npm has integrity " + got + ", expected " + INTEGRITY);
      }
      return tgz;
    } catch (IOException e) {
      return fail("Could not fetch axe-core: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("Interrupted while fetching axe-core");
    }
  }

  /** Reads one file out of a gzipped tar (ustar: 512-byte headers, sizes in octal). */
  private static String read(Path tgz) {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(tgz))) {
      byte[] header = new byte[512];
      while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
        String name = field(header, 0, 100);
        String prefix = field(header, 345, 155);
        String path = prefix.isEmpty() ? name : prefix + "/" + name;
        String octal = field(header, 124, 12).strip();
        long size = octal.isEmpty() ? 0 : Long.parseLong(octal, 8);
        long padded = (size + 511) / 512 * 512;
        if (path.equals(ENTRY)) {
          ByteArrayOutputStream out = new ByteArrayOutputStream((int) size);
          out.write(in.readNBytes((int) size));
          return out.toString(StandardCharsets.UTF_8);
        }
        in.skipNBytes(padded);
      }
      return fail(tgz + " holds no " + ENTRY);
    } catch (IOException e) {
      return fail("Could not read " + tgz + ": " + e, e);
    }
  }

  private static String field(byte[] header, int offset, int length) {
    int end = offset;
    while (end < offset + length && header[end] != 0) {
      end++;
    }
    return new String(header, offset, end - offset, StandardCharsets.US_ASCII);
  }

  private static String integrity(Path file) throws IOException {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-512").digest(Files.readAllBytes(file));
      return "sha512-" + Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
