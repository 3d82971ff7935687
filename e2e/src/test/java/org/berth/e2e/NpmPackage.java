package org.berth.e2e;

import static org.junit.jupiter.api.Assertions.fail;

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
 * An npm package at a pinned version, fetched with npm's own client ({@code npm pack}) into a cache
 * outside the build directory and checked against the registry's SHA-512 integrity before use
 * (axe-core for {@link AxeCore}, thebe-core for the Thebe journey). Nothing of it is kept in the
 * repository. The cache is {@code berth.e2e.npmCache}, else {@code ~/.cache/berth-e2e/npm}; without
 * npm or the registry the tests fail, saying so.
 */
final class NpmPackage {

  private final String name;
  private final String version;
  private final String integrity;

  NpmPackage(String name, String version, String integrity) {
    this.name = name;
    this.version = version;
    this.integrity = integrity;
  }

  /**
   * The package's files under {@code prefix} (e.g. {@code package/lib/}), unpacked into a folder.
   */
  Path unpacked(String prefix) {
    Path tgz = tarball();
    Path dir = tgz.resolveSibling(name + "-" + version);
    Path done = dir.resolve(".unpacked");
    if (Files.exists(done)) {
      return dir.resolve(prefix);
    }
    try (InputStream in = new GZIPInputStream(Files.newInputStream(tgz))) {
      byte[] header = new byte[512];
      while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
        String entry = field(header, 0, 100);
        String before = field(header, 345, 155);
        String path = before.isEmpty() ? entry : before + "/" + entry;
        String octal = field(header, 124, 12).strip();
        long size = octal.isEmpty() ? 0 : Long.parseLong(octal, 8);
        long padded = (size + 511) / 512 * 512;
        boolean file = header[156] == '0' || header[156] == 0;
        if (file && path.startsWith(prefix) && !path.contains("..")) {
          Path out = dir.resolve(path);
          Files.createDirectories(out.getParent());
          Files.write(out, in.readNBytes((int) size));
          in.skipNBytes(padded - size);
        } else {
          in.skipNBytes(padded);
        }
      }
      Files.createDirectories(dir);
      Files.writeString(done, version);
      return dir.resolve(prefix);
    } catch (IOException e) {
      return fail("Could not unpack " + tgz + ": " + e, e);
    }
  }

  private Path tarball() {
    try {
      String configured = System.getProperty("berth.e2e.npmCache");
      Path cache =
          Files.createDirectories(
              configured == null || configured.isBlank()
                  ? Path.of(System.getProperty("user.home"), ".cache", "berth-e2e", "npm")
                  : Path.of(configured));
      Path tgz = cache.resolve(name + "-" + version + ".tgz");
      if (Files.isRegularFile(tgz) && integrity.equals(integrity(tgz))) {
        return tgz;
      }
      Files.deleteIfExists(tgz);
      Process npm =
          new ProcessBuilder(
                  "npm",
                  "pack",
                  name + "@" + version,
                  "--pack-destination",
                  cache.toString(),
                  "--cache",
                  cache.resolve("npm-cache").toString(),
                  "--silent")
              .redirectErrorStream(true)
              .start();
      String output = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!npm.waitFor(180, TimeUnit.SECONDS)
          || npm.exitValue() != 0
          || !Files.isRegularFile(tgz)) {
        fail(
            "Could not fetch "
                + name
                + " "
                + version
                + " with 'npm pack' (npm and the npm registry are needed): "
                + output);
      }
      String got = integrity(tgz);
      if (!integrity.equals(got)) {
        Files.delete(tgz);
        fail(name + " " + version + " from npm has integrity " + got + ", expected " + integrity);
      }
      return tgz;
    } catch (IOException e) {
      return fail("Could not fetch " + name + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("Interrupted while fetching " + name);
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
