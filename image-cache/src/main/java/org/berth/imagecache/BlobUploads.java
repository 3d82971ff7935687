package org.berth.imagecache;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Blob uploads into one repository, with upload sessions opened ahead of time: opening a session
 * costs the registry a few file writes, so it is done while other work runs, and an upload then
 * needs one request. More sessions are opened when the ones opened ahead run out. Thread-safe.
 * Closing deletes the sessions never used (best effort; a registry also purges them itself).
 */
public interface BlobUploads extends AutoCloseable {
  /** The repository the blobs go to. */
  ImageRef target();

  /**
   * Uploads bytes whose digest is known, in one request on a session opened ahead.
   *
   * @param timeout how long the upload may take
   * @return completes when the registry has the blob; fails with an {@link ImageCacheException}
   */
  CompletableFuture<Void> put(BlobDigest digest, byte[] bytes, Duration timeout);

  /**
   * Uploads a blob while it is being written: the bytes go to the registry as {@code writer}
   * produces them (one streamed request), and the digest, computed on the way, is given at the end
   * (a second request). Runs {@code writer} in the calling thread and returns once the registry has
   * the blob.
   *
   * @param timeout how long writing and uploading may take together
   * @return the blob's digest and size
   * @throws ImageCacheException when the registry fails; an {@link IOException} of the writer is
   *     rethrown wrapped in an {@link ImageCacheException} with the writer's message
   */
  Written stream(BlobWriter writer, Duration timeout);

  /** Where the sessions opened ahead and not yet used upload to (waits for the registry). */
  List<URI> pending();

  /** Deletes the sessions not used. */
  @Override
  void close();

  /** Writes a blob's bytes. */
  @FunctionalInterface
  interface BlobWriter {
    void writeTo(OutputStream out) throws IOException;
  }

  /**
   * A blob that was streamed.
   *
   * @param digest its digest
   * @param size its length in bytes
   */
  record Written(BlobDigest digest, long size) {}
}
