package org.berth.imagecache;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** Small helpers for the registry integration tests: tar layers made by tar(1), docker runs. */
final class RegistryTestSupport {
  private RegistryTestSupport() {}

  /** A plain tar of {@code files} under {@code home/jovyan/}, owned by 1000:100, as a layer. */
  static byte[] tarLayer(Path dir, String... namesAndContents) throws IOException {
    Path home = dir.resolve("home/jovyan");
    Files.createDirectories(home);
    for (int i = 0; i < namesAndContents.length; i += 2) {
      Files.writeString(home.resolve(namesAndContents[i]), namesAndContents[i + 1]);
    }
    Path tar = dir.resolve("layer.tar");
    run(
        "tar",
        "--owner=1000",
        "--group=100",
        "--numeric-owner",
        "--mtime=@1",
        "--sort=name",
        "-C",
        dir.toString(),
        "-cf",
        tar.toString(),
        "home");
    return Files.readAllBytes(tar);
  }

  /** Runs a shell script in a removed container of the image (pulling it); returns its output. */
  static String inImage(ImageRef image, String script) {
    String out =
        run(
            "docker",
            "run",
            "--rm",
            "--name",
            "berth-image-cache-it-" + UUID.randomUUID(),
            "--label",
            "org.berth.test=image-cache",
            "--entrypoint",
            "sh",
            image.toString(),
            "-c",
            script);
    run("docker", "rmi", image.toString());
    return out;
  }

  static String run(String... cmd) {
    try {
      Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("timed out: " + String.join(" ", cmd));
      }
      assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed:\n" + out);
      return out;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
