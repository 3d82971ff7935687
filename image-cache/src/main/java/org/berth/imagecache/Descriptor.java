package org.berth.imagecache;

/**
 * A blob as an image manifest names it: what it is, its digest and its size.
 *
 * @param mediaType e.g. {@code application/vnd.docker.image.rootfs.diff.tar.gzip}
 * @param digest the blob's digest
 * @param size the blob's length in bytes
 */
public record Descriptor(String mediaType, BlobDigest digest, long size) {
  public Descriptor {
    if (mediaType == null || mediaType.isBlank()) {
      throw new IllegalArgumentException("a descriptor needs a media type");
    }
    if (digest == null) {
      throw new IllegalArgumentException("a descriptor needs a digest");
    }
    if (size < 0) {
      throw new IllegalArgumentException("negative blob size: " + size);
    }
  }
}
