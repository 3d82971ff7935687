package org.berth.imagecache.registry;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.berth.imagecache.BlobDigest;
import org.berth.imagecache.BlobUploads;
import org.berth.imagecache.Descriptor;
import org.berth.imagecache.ImageCacheException;
import org.berth.imagecache.ImageDigest;
import org.berth.imagecache.ImageRef;
import org.berth.imagecache.MediaTypes;
import org.berth.imagecache.MissingBlobsException;
import org.berth.imagecache.PreparedImage;
import org.berth.imagecache.RegistryClient;
import org.berth.imagecache.RegistryImage;
import org.berth.imagecache.RegistryUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RegistryClient} over the OCI distribution HTTP API, through one keep-alive HTTP/1.1
 * client. Loopback registries are spoken to over plain HTTP, others over HTTPS. Anonymous access
 * only. The builder's Micronaut factory makes the bean.
 *
 * <p>Request counts are what a content build's speed rests on: a look-up is one {@code HEAD}; a
 * read is a manifest {@code GET} plus a configuration {@code GET} the first time that configuration
 * is seen; an upload of known bytes is one {@code PUT} on a session opened ahead; a streamed upload
 * is one {@code PATCH} and one {@code PUT}; a push is one manifest {@code PUT}, and blobs are
 * mounted from other repositories only when the registry answers that it lacks them. (Jib's own
 * push opened a new HTTP client and connection for every request and probed HTTPS twice per build,
 * about 120 ms of a notebook-only build on loopback.)
 */
public class DistributionRegistryClient implements RegistryClient {
  private static final Logger LOG = LoggerFactory.getLogger(DistributionRegistryClient.class);
  private static final int CACHED = 64;
  static final String ACCEPT =
      String.join(
          ", ",
          MediaTypes.OCI_MANIFEST,
          MediaTypes.OCI_INDEX,
          MediaTypes.DOCKER_MANIFEST,
          MediaTypes.DOCKER_MANIFEST_LIST);

  private final HttpClient http;
  private final Duration timeout;
  private final Map<BlobDigest, byte[]> configs = lru();
  private final Map<ImageRef, RegistryImage> reads = lru();

  /**
   * Blobs known to be in a repository ({@code registry/repository@digest}): what this client
   * uploaded, mounted, found or pushed a manifest of. A push that finds blobs missing mounts only
   * the ones not known to be there.
   */
  private final Map<String, Boolean> present =
      new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > 100_000;
        }
      };

  public DistributionRegistryClient() {
    this(Duration.ofSeconds(10));
  }

  /**
   * @param timeout how long one request may take to be answered (blob uploads are given their own)
   */
  public DistributionRegistryClient(Duration timeout) {
    this.timeout = timeout;
    // HTTP/1.1 keep-alive: a plain-HTTP registry never upgrades to HTTP/2, and asking it to costs
    // about a millisecond per request on loopback (a cache hit is one request).
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
  }

  /** The {@value #CACHED} most recently used entries; callers synchronize on the map. */
  private static <K, V> Map<K, V> lru() {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > CACHED;
      }
    };
  }

  @Override
  public Optional<ImageDigest> find(ImageRef ref) {
    HttpRequest request =
        request(url(ref.registry(), "/v2/" + ref.repository() + "/manifests/" + ref.tag()))
            .method("HEAD", BodyPublishers.noBody())
            .header("Accept", ACCEPT)
            .build();
    HttpResponse<byte[]> response = send(ref.registry(), "looking up " + ref, request);
    int status = response.statusCode();
    if (status == 404) {
      LOG.debug("{} not in registry", ref);
      return Optional.empty();
    }
    if (status != 200) {
      throw new RegistryUnavailableException(
          "registry " + ref.registry() + " answered " + status + " for " + ref);
    }
    return Optional.of(
        response
            .headers()
            .firstValue("Docker-Content-Digest")
            .map(ImageDigest::parse)
            .orElseThrow(
                () ->
                    new RegistryUnavailableException(
                        "registry " + ref.registry() + " sent no digest for " + ref)));
  }

  @Override
  public CompletableFuture<Optional<RegistryImage>> read(ImageRef ref) {
    HttpRequest request =
        request(url(ref.registry(), "/v2/" + ref.repository() + "/manifests/" + ref.tag()))
            .GET()
            .header("Accept", MediaTypes.DOCKER_MANIFEST)
            .header("Accept", MediaTypes.OCI_MANIFEST)
            .build();
    String what = "getting the manifest of " + ref;
    return sendAsync(ref.registry(), what, request)
        .thenCompose(
            got -> {
              if (got.statusCode() == 404) {
                synchronized (reads) {
                  reads.remove(ref);
                }
                return CompletableFuture.completedFuture(Optional.empty());
              }
              check(ref.registry(), what, got, 200);
              String type = got.headers().firstValue("Content-Type").orElse("");
              byte[] manifest = got.body();
              if (!type.startsWith(MediaTypes.DOCKER_MANIFEST)
                  && !type.startsWith(MediaTypes.OCI_MANIFEST)) {
                // parse refuses it, naming the type
                return CompletableFuture.completedFuture(
                    Optional.of(RegistryImage.parse(ref, type, manifest, new byte[0])));
              }
              Descriptor config = RegistryImage.configOf(ref, manifest);
              return config(ref, config.digest())
                  .thenApply(
                      json -> {
                        RegistryImage image = RegistryImage.parse(ref, type, manifest, json);
                        synchronized (reads) {
                          reads.put(ref, image);
                        }
                        return Optional.of(image);
                      });
            });
  }

  @Override
  public Optional<RegistryImage> lastRead(ImageRef ref) {
    synchronized (reads) {
      return Optional.ofNullable(reads.get(ref));
    }
  }

  /** An image's configuration, from the cache or the registry. */
  private CompletableFuture<byte[]> config(ImageRef ref, BlobDigest digest) {
    synchronized (configs) {
      byte[] cached = configs.get(digest);
      if (cached != null) {
        return CompletableFuture.completedFuture(cached);
      }
    }
    return readBlob(ref, digest)
        .thenApply(
            found -> {
              byte[] bytes =
                  found.orElseThrow(
                      () ->
                          new RegistryUnavailableException(
                              "registry "
                                  + ref.registry()
                                  + " has the manifest of "
                                  + ref
                                  + " but not its configuration "
                                  + digest));
              if (BlobDigest.of(bytes).equals(digest)) {
                synchronized (configs) {
                  configs.put(digest, bytes);
                }
              }
              return bytes;
            });
  }

  @Override
  public CompletableFuture<Optional<byte[]>> readBlob(ImageRef repository, BlobDigest digest) {
    String what = "getting " + digest + " from " + repository.repository();
    HttpRequest request =
        request(url(repository.registry(), "/v2/" + repository.repository() + "/blobs/" + digest))
            .GET()
            .build();
    return sendAsync(repository.registry(), what, request)
        .thenApply(
            got ->
                got.statusCode() == 404
                    ? Optional.empty()
                    : Optional.of(check(repository.registry(), what, got, 200).body()));
  }

  @Override
  public BlobUploads uploads(ImageRef target, int ahead) {
    return new DistributionUploads(this, target, ahead);
  }

  @Override
  public CompletableFuture<Boolean> mount(ImageRef target, BlobDigest digest, String from) {
    HttpRequest mount =
        request(
                url(
                    target.registry(),
                    "/v2/"
                        + target.repository()
                        + "/blobs/uploads/?mount="
                        + digest
                        + "&from="
                        + from))
            .POST(BodyPublishers.noBody())
            .build();
    String what = "mounting " + digest + " from " + from + " into " + target.repository();
    return sendAsync(target.registry(), what, mount)
        .thenApply(
            r -> {
              if (r.statusCode() == 202) {
                // The source lacks it: the registry opened an ordinary upload instead.
                cancel(CompletableFuture.completedFuture(location(target.registry(), r)));
                return false;
              }
              check(target.registry(), what, r, 201);
              markPresent(target, digest);
              return true;
            });
  }

  @Override
  public ImageDigest push(ImageRef target, PreparedImage image, Map<BlobDigest, String> sources) {
    HttpResponse<byte[]> put = putManifest(target, image);
    // Twice at most: the second time without trusting what this client remembers (a registry may
    // have deleted blobs since).
    for (int attempt = 1; attempt <= 2 && blobUnknown(put); attempt++) {
      if (attempt == 2) {
        forget(target, image);
      }
      List<BlobDigest> missing = linkMissing(target, image, sources);
      if (!missing.isEmpty()) {
        throw new MissingBlobsException(target, missing);
      }
      put = putManifest(target, image);
    }
    check(target.registry(), "pushing the manifest of " + target, put, 201);
    markPresent(target, image.configDigest());
    image.layers().forEach(l -> markPresent(target, l.digest()));
    return image.digest();
  }

  private static boolean blobUnknown(HttpResponse<byte[]> put) {
    return put.statusCode() == 400 && new String(put.body()).contains("BLOB_UNKNOWN");
  }

  private void forget(ImageRef target, PreparedImage image) {
    synchronized (present) {
      present.remove(presence(target, image.configDigest()));
      image.layers().forEach(l -> present.remove(presence(target, l.digest())));
    }
  }

  /** Remembers that {@code target}'s repository holds the blob. */
  void markPresent(ImageRef target, BlobDigest digest) {
    synchronized (present) {
      present.put(presence(target, digest), Boolean.TRUE);
    }
  }

  private boolean knownPresent(ImageRef target, BlobDigest digest) {
    synchronized (present) {
      return present.containsKey(presence(target, digest));
    }
  }

  private static String presence(ImageRef target, BlobDigest digest) {
    return target.registry() + "/" + target.repository() + "@" + digest.value();
  }

  /**
   * Leaves out the blobs known to be in the repository, mounts those of the others that have a
   * known source (a mount of a blob the repository already has is harmless, and one request like
   * asking), asks about the rest, and returns what is still missing.
   */
  private List<BlobDigest> linkMissing(
      ImageRef target, PreparedImage image, Map<BlobDigest, String> sources) {
    List<BlobDigest> blobs = new ArrayList<>();
    blobs.add(image.configDigest());
    image.layers().forEach(l -> blobs.add(l.digest()));
    Map<BlobDigest, CompletableFuture<Boolean>> found = new LinkedHashMap<>();
    for (BlobDigest blob : blobs) {
      if (found.containsKey(blob) || knownPresent(target, blob)) {
        continue;
      }
      String from = sources.get(blob);
      found.put(
          blob,
          from != null && !from.equals(target.repository())
              ? mount(target, blob, from)
              : hasBlob(target, blob));
    }
    join(
        target.registry(),
        CompletableFuture.allOf(found.values().toArray(CompletableFuture[]::new)),
        "linking the layers of " + target);
    List<BlobDigest> missing = new ArrayList<>();
    found.forEach(
        (blob, there) -> {
          if (!there.join()) {
            missing.add(blob);
          }
        });
    if (!missing.isEmpty()) {
      LOG.debug("{} lacks {}", target.repository(), missing);
    }
    return missing;
  }

  private CompletableFuture<Boolean> hasBlob(ImageRef target, BlobDigest digest) {
    HttpRequest head =
        request(url(target.registry(), "/v2/" + target.repository() + "/blobs/" + digest))
            .method("HEAD", BodyPublishers.noBody())
            .build();
    String what = "looking for " + digest + " in " + target.repository();
    return sendAsync(target.registry(), what, head)
        .thenApply(
            r -> {
              if (r.statusCode() == 404) {
                return false;
              }
              check(target.registry(), what, r, 200);
              markPresent(target, digest);
              return true;
            });
  }

  private HttpResponse<byte[]> putManifest(ImageRef target, PreparedImage image) {
    return send(
        target.registry(),
        "pushing the manifest of " + target,
        request(url(target.registry(), "/v2/" + target.repository() + "/manifests/" + target.tag()))
            .header("Content-Type", image.mediaType())
            .PUT(BodyPublishers.ofByteArray(image.manifest()))
            .build());
  }

  // --- the HTTP conversation, shared with the uploads ---

  HttpClient http() {
    return http;
  }

  HttpRequest.Builder request(URI uri) {
    return HttpRequest.newBuilder(uri).timeout(timeout);
  }

  static URI url(String registry, String path) {
    return URI.create(scheme(registry) + "://" + registry + path);
  }

  /** POST for an upload location. */
  CompletableFuture<URI> startUpload(ImageRef target) {
    HttpRequest start =
        request(url(target.registry(), "/v2/" + target.repository() + "/blobs/uploads/"))
            .POST(BodyPublishers.noBody())
            .build();
    String what = "starting an upload to " + target.repository();
    return sendAsync(target.registry(), what, start)
        .thenApply(
            started -> location(target.registry(), check(target.registry(), what, started, 202)));
  }

  /**
   * Best effort: an upload that will not be finished is deleted (the registry purges it anyway).
   */
  void cancel(CompletableFuture<URI> session) {
    session.thenAccept(
        location ->
            http.sendAsync(
                HttpRequest.newBuilder(location).timeout(timeout).DELETE().build(),
                BodyHandlers.discarding()));
  }

  URI location(String registry, HttpResponse<?> response) {
    String location =
        response
            .headers()
            .firstValue("Location")
            .orElseThrow(
                () ->
                    new RegistryUnavailableException(
                        "registry " + registry + " gave no upload location"));
    return response.uri().resolve(location);
  }

  /** Sends without blocking; a connection failure completes exceptionally, naming the registry. */
  CompletableFuture<HttpResponse<byte[]>> sendAsync(
      String registry, String what, HttpRequest request) {
    return http.sendAsync(request, BodyHandlers.ofByteArray())
        .exceptionally(
            e -> {
              Throwable cause = e instanceof CompletionException c ? c.getCause() : e;
              if (cause instanceof ImageCacheException known) {
                throw known;
              }
              throw unreachable(registry, what, cause);
            });
  }

  HttpResponse<byte[]> send(String registry, String what, HttpRequest request) {
    try {
      return http.send(request, BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw unreachable(registry, what, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryUnavailableException(what + " was interrupted", e);
    }
  }

  /** Waits for requests; a failure surfaces as the {@link ImageCacheException} it carries. */
  static <T> T join(String registry, CompletableFuture<T> future, String what) {
    try {
      return future.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof ImageCacheException known) {
        throw known;
      }
      throw unreachable(registry, what, cause);
    } catch (java.util.concurrent.CancellationException e) {
      throw new RegistryUnavailableException(what + " was cancelled", e);
    }
  }

  static HttpResponse<byte[]> check(
      String registry, String what, HttpResponse<byte[]> response, int status) {
    if (response.statusCode() != status) {
      String body = response.body() == null ? "" : new String(response.body()).strip();
      throw new RegistryUnavailableException(
          what
              + ": registry "
              + registry
              + " answered "
              + response.statusCode()
              + (body.isEmpty() ? "" : " " + body.substring(0, Math.min(300, body.length()))));
    }
    return response;
  }

  static RegistryUnavailableException unreachable(String registry, String what, Throwable e) {
    return new RegistryUnavailableException(
        what + ": registry " + registry + " cannot be reached (" + e + ")", e);
  }

  /** Plain HTTP for loopback registries, as the Docker engine does; HTTPS elsewhere. */
  public static String scheme(String registry) {
    String host = registry.replaceFirst(":[0-9]+$", "");
    boolean loopback =
        host.equals("localhost")
            || host.endsWith(".localhost")
            || host.startsWith("127.")
            || host.equals("[::1]");
    return loopback ? "http" : "https";
  }
}
