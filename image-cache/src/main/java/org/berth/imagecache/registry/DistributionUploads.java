package org.berth.imagecache.registry;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.berth.imagecache.BlobDigest;
import org.berth.imagecache.BlobUploads;
import org.berth.imagecache.ImageCacheException;
import org.berth.imagecache.ImageRef;

/** {@link BlobUploads} over the distribution API's upload sessions. */
final class DistributionUploads implements BlobUploads {
  private final DistributionRegistryClient client;
  private final ImageRef target;
  private final List<CompletableFuture<URI>> sessions = new ArrayList<>();
  private boolean closed;

  DistributionUploads(DistributionRegistryClient client, ImageRef target, int ahead) {
    this.client = client;
    this.target = target;
    for (int i = 0; i < ahead; i++) {
      sessions.add(client.startUpload(target));
    }
  }

  @Override
  public ImageRef target() {
    return target;
  }

  private synchronized CompletableFuture<URI> take() {
    return sessions.isEmpty() ? client.startUpload(target) : sessions.remove(0);
  }

  @Override
  public CompletableFuture<Void> put(BlobDigest digest, byte[] bytes, Duration timeout) {
    CompletableFuture<URI> session = take();
    String what = "uploading " + digest + " to " + target;
    return session
        .thenCompose(
            location ->
                client.sendAsync(
                    target.registry(),
                    what,
                    HttpRequest.newBuilder(withDigest(location, digest))
                        .timeout(timeout)
                        .header("Content-Type", "application/octet-stream")
                        .PUT(BodyPublishers.ofByteArray(bytes))
                        .build()))
        .thenAccept(
            done -> {
              DistributionRegistryClient.check(target.registry(), what, done, 201);
              client.markPresent(target, digest);
            })
        .whenComplete(
            (ok, failed) -> {
              if (failed != null) {
                client.cancel(session);
              }
            });
  }

  @Override
  public Written stream(BlobWriter writer, Duration timeout) {
    CompletableFuture<URI> session = take();
    String what = "uploading a blob to " + target;
    URI location = DistributionRegistryClient.join(target.registry(), session, what);
    BytePipe pipe = new BytePipe();
    CompletableFuture<HttpResponse<byte[]>> patch =
        client.sendAsync(
            target.registry(),
            what,
            HttpRequest.newBuilder(location)
                .timeout(timeout)
                .header("Content-Type", "application/octet-stream")
                .method("PATCH", BodyPublishers.ofInputStream(pipe::input))
                .build());
    // If the request ends early (the registry failed), the writer must not block on a full pipe.
    patch.whenComplete((r, e) -> pipe.stopReading(e));
    MessageDigest sha256 = BlobDigest.newSha256();
    CountingOutputStream counted = new CountingOutputStream(pipe.output());
    try {
      DigestOutputStream out = new DigestOutputStream(counted, sha256);
      writer.writeTo(out);
      // Closed only after a complete write: the end of the pipe is the end of the blob.
      out.close();
    } catch (IOException | RuntimeException e) {
      pipe.fail(e);
      client.cancel(session);
      waitQuietly(patch);
      if (e instanceof ImageCacheException known) {
        throw known;
      }
      throw new ImageCacheException(what + " failed while writing it: " + e.getMessage(), e);
    }
    BlobDigest digest = BlobDigest.of(sha256);
    long size = counted.count;
    try {
      HttpResponse<byte[]> sent =
          DistributionRegistryClient.check(
              target.registry(),
              what,
              DistributionRegistryClient.join(target.registry(), patch, what),
              202);
      // The registry's upload state travels in the location it hands back.
      URI next = client.location(target.registry(), sent);
      HttpResponse<byte[]> done =
          client.send(
              target.registry(),
              "finishing the upload of " + digest + " to " + target,
              HttpRequest.newBuilder(withDigest(next, digest))
                  .timeout(timeout)
                  .PUT(BodyPublishers.noBody())
                  .build());
      DistributionRegistryClient.check(
          target.registry(), "finishing the upload of " + digest + " to " + target, done, 201);
      client.markPresent(target, digest);
    } catch (RuntimeException e) {
      client.cancel(session);
      throw e;
    }
    return new Written(digest, size);
  }

  private static void waitQuietly(CompletableFuture<?> request) {
    try {
      request.join();
    } catch (RuntimeException e) {
      // the upload was abandoned on purpose
    }
  }

  private static URI withDigest(URI location, BlobDigest digest) {
    String sep = location.getRawQuery() == null ? "?" : "&";
    return URI.create(location + sep + "digest=" + digest);
  }

  @Override
  public synchronized List<URI> pending() {
    return sessions.stream()
        .map(s -> DistributionRegistryClient.join(target.registry(), s, "starting an upload"))
        .toList();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    sessions.forEach(client::cancel);
    sessions.clear();
  }

  /** Counts what passes through. */
  private static final class CountingOutputStream extends java.io.FilterOutputStream {
    long count;

    CountingOutputStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }
  }
}
