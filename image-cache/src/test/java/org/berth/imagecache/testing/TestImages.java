package org.berth.imagecache.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.testcontainers.DockerClientFactory;

/**
 * The images integration tests use, all local to the Docker engine and made from Debian packages by
 * {@code deploy/local/setup.sh --for-tests}: the Debian and Jupyter bases, the test registry with
 * the bases in its storage, and PostgreSQL. Each is named {@code berth-test/NAME:VERSION}, the
 * version computed from its recipe in this checkout exactly as {@code recipe_version} in {@code
 * deploy/local/setup.sh} computes it, so that a changed recipe is never tested with an image made
 * from the old one. Nothing is read from the environment.
 *
 * <p>Every accessor fails loudly, naming the image and the command that makes it, when the engine
 * does not answer or does not have the image.
 */
public final class TestImages {

  private static final String SETUP = "deploy/local/setup.sh --for-tests";

  /** What Testcontainers must be told on this machine, where no image can be pulled. */
  private static final Map<String, String> TESTCONTAINERS =
      Map.of("TESTCONTAINERS_RYUK_DISABLED", "true", "TESTCONTAINERS_HOST_OVERRIDE", "127.0.0.1");

  private static final Map<String, String> CHECKED = new ConcurrentHashMap<>();
  private static volatile Path root;

  private TestImages() {}

  /** Debian's minimal base ({@code deploy/images/debian-base}). */
  public static String debianBase() {
    return require("berth-test/debian-base:" + debianVersion());
  }

  /** Berth's Jupyter base ({@code deploy/images/jupyter-base}): the default image of servers. */
  public static String jupyterBase() {
    return require("berth-test/jupyter-base:" + jupyterVersion());
  }

  /**
   * The test registry ({@code deploy/test-images/registry}) with the Debian and Jupyter bases in
   * its storage as {@code berth/debian-base} and {@code berth/jupyter-base}.
   */
  public static String registryWithBases() {
    return require(
        "berth-test/registry-with-bases:"
            + version("test-images/registry", debianVersion())
            + "-"
            + jupyterVersion());
  }

  /** PostgreSQL ({@code deploy/test-images/postgres}). */
  public static String postgres() {
    return require("berth-test/postgres:" + version("test-images/postgres", debianVersion()));
  }

  /** The version (tag) of the Debian base, as in the names Berth's registry holds it under. */
  public static String debianVersion() {
    return version("images/debian-base");
  }

  /** The version (tag) of the Jupyter base, as in the names Berth's registry holds it under. */
  public static String jupyterVersion() {
    return version("images/jupyter-base", debianVersion());
  }

  /**
   * The Docker engine as the test support uses it (Testcontainers' client); fails saying how to
   * start one when none answers.
   */
  public static DockerClient engine() {
    for (Map.Entry<String, String> setting : TESTCONTAINERS.entrySet()) {
      if (!setting.getValue().equals(System.getenv(setting.getKey()))) {
        throw new IllegalStateException(
            "Testcontainers needs "
                + setting.getKey()
                + "="
                + setting.getValue()
                + " in the environment here (Failsafe sets it, see the root pom.xml; set it"
                + " yourself when running tests another way): nothing can be pulled, so neither"
                + " Ryuk nor the alpine image it would otherwise start can run.");
      }
    }
    try {
      return DockerClientFactory.instance().client();
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "The Docker engine does not answer ("
              + e.getMessage()
              + "). Integration tests need a running engine: start one with "
              + SETUP
              + " (or dockerd), check with 'docker info', then run the tests again.",
          e);
    }
  }

  /**
   * {@code recipe_version DIR EXTRA...} of {@code deploy/local/setup.sh}: the first 12 hex digits
   * of the SHA-256 of DIR's files (under {@code deploy/}, in name order, hidden files left out)
   * followed by each extra value and a newline.
   */
  static String version(String recipe, String... extra) {
    Path dir = repositoryRoot().resolve("deploy").resolve(recipe);
    try (Stream<Path> entries = Files.list(dir)) {
      List<Path> files =
          entries
              .filter(p -> !p.getFileName().toString().startsWith("."))
              .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
              .toList();
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (Path file : files) {
        sha.update(Files.readAllBytes(file));
      }
      for (String value : extra) {
        sha.update((value + "\n").getBytes(UTF_8));
      }
      return HexFormat.of().formatHex(sha.digest()).substring(0, 12);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the image recipe " + dir, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The checkout's root: the nearest directory up from the working directory with deploy/. */
  static Path repositoryRoot() {
    Path known = root;
    if (known != null) {
      return known;
    }
    Path dir = Path.of("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.isDirectory(d.resolve("deploy/images/jupyter-base"))) {
        root = d;
        return d;
      }
    }
    throw new IllegalStateException(
        "Found no Berth checkout (a directory with deploy/images/jupyter-base) at or above " + dir);
  }

  /** The image, after checking once that the engine has it. */
  private static String require(String image) {
    if (CHECKED.containsKey(image)) {
      return image;
    }
    DockerClient engine = engine();
    try {
      engine.inspectImageCmd(image).exec();
    } catch (NotFoundException e) {
      throw new IllegalStateException(
          "The Docker engine has no image "
              + image
              + ", which the integration tests start. It is made from this checkout's recipe"
              + " under deploy/ by "
              + SETUP
              + " (which the tests' single entry point, deploy/local/test.sh, runs first);"
              + " run that, then the tests again.");
    }
    CHECKED.put(image, image);
    return image;
  }
}
