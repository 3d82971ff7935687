package org.berth.imagecache;

import java.util.regex.Pattern;

/**
 * A content digest of an image manifest, such as {@code sha256:0123...}.
 *
 * @param value algorithm, colon, lowercase hex
 */
public record ImageDigest(String value) {
  private static final Pattern FORMAT = Pattern.compile("sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128}");

  public ImageDigest {
    if (value == null || !FORMAT.matcher(value).matches()) {
      throw new IllegalArgumentException("not an image digest: " + value);
    }
  }

  public static ImageDigest parse(String value) {
    return new ImageDigest(value == null ? null : value.trim());
  }

  @Override
  public String toString() {
    return value;
  }
}
