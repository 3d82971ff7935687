package org.berth.imagecache;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * Cache key of an environment image: a hash of the environment files (path and bytes), the base
 * image and the recipe version. Two commits, or two repositories, with the same environment files
 * get the same key and share one environment image.
 *
 * @param hash lowercase hex SHA-256
 */
public record EnvironmentKey(String hash) {
  /** Repository that holds every environment image. */
  public static final String REPOSITORY = "berth/env";

  public EnvironmentKey {
    if (hash == null || !hash.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("not an environment hash: " + hash);
    }
  }

  /**
   * @param files environment files by path relative to the repository root; order does not matter
   * @param baseImage the base image reference the environment is built on
   * @param recipeVersion version of the build recipe
   */
  public static EnvironmentKey of(
      Map<String, byte[]> files, String baseImage, String recipeVersion) {
    MessageDigest md = ImageKey.digest();
    update(md, "berth-env");
    update(md, recipeVersion);
    update(md, baseImage);
    for (Map.Entry<String, byte[]> file : new TreeMap<>(files).entrySet()) {
      update(md, file.getKey());
      md.update(longBytes(file.getValue().length));
      md.update(file.getValue());
    }
    return new EnvironmentKey(HexFormat.of().formatHex(md.digest()));
  }

  /** The environment image reference in the given registry. */
  public ImageRef toRef(String registry) {
    return new ImageRef(registry, REPOSITORY, hash);
  }

  private static void update(MessageDigest md, String text) {
    byte[] bytes = String.valueOf(text).getBytes(StandardCharsets.UTF_8);
    md.update(longBytes(bytes.length));
    md.update(bytes);
  }

  private static byte[] longBytes(long n) {
    byte[] b = new byte[8];
    for (int i = 7; i >= 0; i--) {
      b[i] = (byte) n;
      n >>>= 8;
    }
    return b;
  }
}
