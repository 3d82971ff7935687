package org.berth.imagecache;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The SHA-256 content digest of a blob in a registry (a layer or an image configuration), such as
 * {@code sha256:0123...}: the name under which the registry stores those bytes.
 *
 * @param value {@code sha256:} and 64 lowercase hex digits
 */
public record BlobDigest(String value) {
  private static final Pattern FORMAT = Pattern.compile("sha256:[0-9a-f]{64}");

  public BlobDigest {
    if (value == null || !FORMAT.matcher(value).matches()) {
      throw new IllegalArgumentException("not a sha256 blob digest: " + value);
    }
  }

  public static BlobDigest parse(String value) {
    return new BlobDigest(value == null ? null : value.trim());
  }

  /** The digest of {@code bytes}. */
  public static BlobDigest of(byte[] bytes) {
    MessageDigest md = newSha256();
    md.update(bytes);
    return of(md);
  }

  /** The digest a finished SHA-256 stands for; the message digest is reset. */
  public static BlobDigest of(MessageDigest sha256) {
    if (!"SHA-256".equals(sha256.getAlgorithm())) {
      throw new IllegalArgumentException("not a SHA-256 digest: " + sha256.getAlgorithm());
    }
    return new BlobDigest("sha256:" + HexFormat.of().formatHex(sha256.digest()));
  }

  /** A new SHA-256 message digest (every JDK has one). */
  public static MessageDigest newSha256() {
    return ImageKey.digest();
  }

  /** The 64 hex digits without the algorithm. */
  public String hex() {
    return value.substring("sha256:".length());
  }

  @Override
  public String toString() {
    return value;
  }
}
