package org.berth.imagecache;

import java.util.List;

/**
 * A manifest could not be pushed because the repository lacks blobs it names and they could not be
 * mounted from anywhere: the caller must upload them, then push again.
 */
public class MissingBlobsException extends ImageCacheException {
  private final transient List<BlobDigest> missing;

  public MissingBlobsException(ImageRef target, List<BlobDigest> missing) {
    super(
        "registry "
            + target.registry()
            + " lacks "
            + missing.size()
            + " blob(s) of "
            + target
            + " in "
            + target.repository()
            + ": "
            + missing);
    this.missing = List.copyOf(missing);
  }

  /** The blobs still missing from the target repository. */
  public List<BlobDigest> missing() {
    return missing;
  }
}
