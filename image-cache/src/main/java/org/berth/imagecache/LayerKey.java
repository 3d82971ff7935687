package org.berth.imagecache;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * What a content layer holds, as a hash: two layers with the same key have the same bytes, so a
 * layer found under its key is used again without being written. The builder makes keys from what
 * git already knows (paths, modes and object ids), never from the files' bytes.
 *
 * @param hex 64 lowercase hex digits
 */
public record LayerKey(String hex) {
  private static final Pattern FORMAT = Pattern.compile("[0-9a-f]{64}");

  public LayerKey {
    if (hex == null || !FORMAT.matcher(hex).matches()) {
      throw new IllegalArgumentException("not a layer key: " + hex);
    }
  }

  /** A key builder: feed it every field that decides the layer's bytes, in a fixed order. */
  public static Builder builder(String format) {
    return new Builder(format);
  }

  /** Collects the fields of a key; each is length-prefixed, so fields never run together. */
  public static final class Builder {
    private final MessageDigest md = ImageKey.digest();

    private Builder(String format) {
      add(format);
    }

    public Builder add(String field) {
      byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
      add(bytes.length);
      md.update(bytes);
      return this;
    }

    public Builder add(long number) {
      for (int shift = 56; shift >= 0; shift -= 8) {
        md.update((byte) (number >>> shift));
      }
      return this;
    }

    public LayerKey build() {
      return new LayerKey(HexFormat.of().formatHex(md.digest()));
    }
  }

  @Override
  public String toString() {
    return hex;
  }
}
