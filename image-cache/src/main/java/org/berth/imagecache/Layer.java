package org.berth.imagecache;

/**
 * A file-system layer to put into an image: the blob the registry stores and the digest of the
 * plain tar it unpacks to (the image configuration's {@code diff_id}). An uncompressed layer's
 * digest is its diff id; a gzipped layer's is not.
 *
 * @param digest the blob's digest
 * @param size the blob's length in bytes
 * @param diffId the digest of the uncompressed tar
 */
public record Layer(BlobDigest digest, long size, BlobDigest diffId) {
  public Layer {
    if (digest == null || diffId == null) {
      throw new IllegalArgumentException("a layer needs its digest and diff id");
    }
    if (size < 0) {
      throw new IllegalArgumentException("negative layer size: " + size);
    }
  }

  /** A plain tar layer: its digest is its diff id. */
  public static Layer uncompressed(BlobDigest digest, long size) {
    return new Layer(digest, size, digest);
  }

  /** Whether the blob is compressed (gzip), as its digest differs from the tar's. */
  public boolean compressed() {
    return !digest.equals(diffId);
  }
}
