package org.berth.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.berth.imagecache.ImageRef;

/** Runs a fixture's {@code verify} script inside the built image, as repo2docker's tests do. */
public final class Verify {
  private Verify() {}

  /** Runs {@code /home/jovyan/verify} in a labelled, removed container; asserts it passes. */
  public static String inImage(ImageRef image) {
    String out = shell(image, "cd /home/jovyan && sh ./verify");
    run("docker", "rmi", image.toString());
    return out;
  }

  /** Runs a shell script in a labelled, removed container of the image; asserts it exits 0. */
  public static String shell(ImageRef image, String script) {
    return run(
        "docker",
        "run",
        "--rm",
        "--name",
        "berth-builder-it-" + UUID.randomUUID(),
        "--label",
        "org.berth.test=builder",
        "--entrypoint",
        "sh",
        image.toString(),
        "-c",
        script);
  }

  public static String run(String... cmd) {
    try {
      Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("timed out: " + String.join(" ", cmd));
      }
      if (cmd[1].equals("run")) {
        assertEquals(0, p.exitValue(), "verify failed in image:\n" + out);
      }
      return out;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
