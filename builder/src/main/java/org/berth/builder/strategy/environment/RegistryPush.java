package org.berth.builder.strategy.environment;

import com.google.cloud.tools.jib.api.DescriptorDigest;
import com.google.cloud.tools.jib.image.json.BuildableManifestTemplate;
import com.google.cloud.tools.jib.image.json.BuildableManifestTemplate.ContentDescriptorTemplate;
import com.google.cloud.tools.jib.image.json.ContainerConfigurationTemplate;
import com.google.cloud.tools.jib.image.json.HistoryEntry;
import com.google.cloud.tools.jib.image.json.OciManifestTemplate;
import com.google.cloud.tools.jib.image.json.V22ManifestTemplate;
import com.google.cloud.tools.jib.json.JsonTemplate;
import com.google.cloud.tools.jib.json.JsonTemplateMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.berth.builder.BuildException;
import org.berth.builder.BuildException.Failure;
import org.berth.imagecache.ImageDigest;
import org.berth.imagecache.ImageRef;
import org.berth.imagecache.RegistryClient;

/**
 * Puts an image made of a base image plus one new layer into the registry, speaking the OCI
 * distribution API over one keep-alive HTTP/1.1 client. The image formats (manifest, container
 * configuration, history) are Jib Core's templates; only the moving of bytes is Berth's.
 *
 * <p>Why not Jib's own push: Jib opens a new HTTP client and connection for every request and, per
 * build, tries HTTPS twice before plain HTTP; on loopback that alone cost about 120 ms of a content
 * build whose whole budget is a fifth of a warm {@code docker build}. Here a content image costs
 * two requests per blob and one for the manifest; base layers are mounted (not uploaded) the first
 * time a repository needs them.
 *
 * <p>Anonymous access and one registry only: the base must be in the target's registry (Berth
 * pushes environment and base images there).
 */
final class RegistryPush {
  private static final int CACHED = 64;

  private final HttpClient http;
  private final Duration timeout;
  private final Map<DescriptorDigest, byte[]> configs = lru();
  private final Map<ImageRef, Base> bases = lru();

  RegistryPush(Duration timeout) {
    this.timeout = timeout;
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

  /** The layer to add: its gzipped file, and the digests of the gzipped and the plain tar. */
  record Layer(Path gzip, DescriptorDigest digest, long size, DescriptorDigest diffId) {}

  /**
   * An image as read from the registry, ready to have a layer put on top: its manifest and its
   * container configuration.
   */
  record Base(
      ImageRef ref, DescriptorDigest digest, BuildableManifestTemplate manifest, byte[] config) {}

  /**
   * The base moved in the registry between the read a push started from and the manifest: nothing
   * was tagged; push again from a fresh read.
   */
  static final class BaseChanged extends BuildException {
    BaseChanged(ImageRef base) {
      super(Failure.REGISTRY, base + " changed in the registry while an image was pushed on it");
    }
  }

  /**
   * Starts reading {@code base} for a content image of {@code target}: its manifest, then its
   * configuration (cached by digest). Completes empty when the registry does not have the image, so
   * the read doubles as the environment image's existence check; fails with a {@link
   * BuildException} otherwise. A base in another registry than the target's is refused at once,
   * before any request.
   */
  CompletableFuture<Optional<Base>> read(ImageRef base, ImageRef target) {
    if (!base.registry().equals(target.registry())) {
      throw new BuildException(
          Failure.REGISTRY,
          "the content layer of "
              + target
              + " needs its base "
              + base
              + " in the same registry ("
              + target.registry()
              + "); push the base image there");
    }
    Registry registry = new Registry(base.registry());
    HttpRequest request =
        get(registry.url("/v2/" + base.repository() + "/manifests/" + base.tag()))
            .header("Accept", V22ManifestTemplate.MANIFEST_MEDIA_TYPE)
            .header("Accept", OciManifestTemplate.MANIFEST_MEDIA_TYPE)
            .build();
    String what = "getting the manifest of " + base;
    return registry
        .sendAsync(what, request)
        .thenCompose(
            got -> {
              if (got.statusCode() == 404) {
                synchronized (bases) {
                  bases.remove(base);
                }
                return CompletableFuture.completedFuture(Optional.empty());
              }
              registry.check(what, got, 200);
              String mediaType = got.headers().firstValue("Content-Type").orElse("");
              BuildableManifestTemplate manifest = parseManifest(base, mediaType, got.body());
              DescriptorDigest digest = sha256(got.body());
              return config(registry, base, manifest.getContainerConfiguration().getDigest())
                  .thenApply(
                      config -> {
                        Base read = new Base(base, digest, manifest, config);
                        synchronized (bases) {
                          bases.put(base, read);
                        }
                        return Optional.of(read);
                      });
            });
  }

  /**
   * The last read of {@code base} that found it, if any. A push may start from it while a fresh
   * read is under way: {@link #push} checks the fresh read before it tags anything.
   */
  Optional<Base> known(ImageRef base) {
    synchronized (bases) {
      return Optional.ofNullable(bases.get(base));
    }
  }

  /**
   * Opens the two upload sessions (layer and configuration) a content image of {@code target}
   * needs. They can be opened long before the push (Berth opens them while the source is fetched);
   * closing the returned value deletes the ones never used.
   */
  Uploads open(ImageRef target) {
    return new Uploads(new Registry(target.registry()), target);
  }

  /**
   * Pushes {@code base} plus {@code layer} as {@code target} through the given upload sessions. The
   * manifest goes last, so a failure leaves no tag behind.
   *
   * @param current a read of the base issued no earlier than this push's: before the manifest is
   *     pushed it must have found the same manifest as {@code base}, or {@link BaseChanged} is
   *     thrown
   * @param uploadTime how long a blob upload may take (the build's time left); other requests get
   *     the client's timeout
   * @return the digest of the pushed manifest
   */
  ImageDigest push(
      Base base,
      CompletableFuture<Optional<Base>> current,
      ImageRef target,
      Layer layer,
      Uploads uploads,
      Instant created,
      String createdBy,
      Duration uploadTime) {
    Registry registry = uploads.registry;
    CompletableFuture<URI> layerSession = uploads.take();
    CompletableFuture<URI> configSession = uploads.take();
    boolean uploaded = false;
    try {
      byte[] config = newConfig(base, layer, created, createdBy);
      DescriptorDigest configDigest = sha256(config);
      BodyPublisher layerBody;
      try {
        layerBody = BodyPublishers.ofFile(layer.gzip());
      } catch (java.io.FileNotFoundException e) {
        throw new IllegalStateException("the content layer's file is gone: " + layer.gzip(), e);
      }
      Duration blobTime = uploadTime.compareTo(timeout) > 0 ? uploadTime : timeout;
      registry.join(
          CompletableFuture.allOf(
              registry.finishUpload(layerSession, target, layer.digest(), layerBody, blobTime),
              registry.finishUpload(
                  configSession,
                  target,
                  configDigest,
                  BodyPublishers.ofByteArray(config),
                  blobTime)),
          "uploading to " + target);
      uploaded = true;
      Optional<Base> now = await(current, "reading " + base.ref());
      if (now.isEmpty() || !now.get().digest().equals(base.digest())) {
        throw new BaseChanged(base.ref());
      }
      return pushManifest(registry, base, target, config, configDigest, layer);
    } finally {
      if (!uploaded) {
        registry.cancel(layerSession);
        registry.cancel(configSession);
      }
    }
  }

  /** Waits for a read; a failure surfaces as the {@link BuildException} it carries. */
  static <T> T await(CompletableFuture<T> future, String what) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof BuildException b) {
        throw b;
      }
      throw new BuildException(Failure.REGISTRY, what + ": " + e.getCause(), e.getCause());
    } catch (java.util.concurrent.CancellationException e) {
      throw new BuildException(Failure.CANCELLED, what + " was cancelled");
    }
  }

  /**
   * Upload sessions opened ahead of a push (more are opened when those run out); {@link #close}
   * deletes the ones never taken.
   */
  final class Uploads implements AutoCloseable {
    private final Registry registry;
    private final ImageRef target;
    private final List<CompletableFuture<URI>> sessions = new ArrayList<>();

    private Uploads(Registry registry, ImageRef target) {
      this.registry = registry;
      this.target = target;
      // Each session costs the registry a few file writes: open them now, use them later.
      sessions.add(registry.startUpload(target));
      sessions.add(registry.startUpload(target));
    }

    private synchronized CompletableFuture<URI> take() {
      return sessions.isEmpty() ? registry.startUpload(target) : sessions.remove(0);
    }

    /** Where the sessions not yet taken upload to (waits until the registry has answered). */
    synchronized List<URI> locations() {
      return sessions.stream().map(s -> await(s, "starting an upload")).toList();
    }

    @Override
    public synchronized void close() {
      sessions.forEach(registry::cancel);
      sessions.clear();
    }
  }

  private ImageDigest pushManifest(
      Registry registry,
      Base base,
      ImageRef target,
      byte[] config,
      DescriptorDigest configDigest,
      Layer layer) {
    BuildableManifestTemplate baseManifest = base.manifest();
    String mediaType = baseManifest.getManifestMediaType();
    BuildableManifestTemplate manifest =
        mediaType.equals(OciManifestTemplate.MANIFEST_MEDIA_TYPE)
            ? new OciManifestTemplate()
            : new V22ManifestTemplate();
    manifest.setContainerConfiguration(config.length, configDigest);
    for (ContentDescriptorTemplate l : baseManifest.getLayers()) {
      manifest.addLayer(l.getSize(), l.getDigest());
    }
    manifest.addLayer(layer.size(), layer.digest());
    byte[] body = json(manifest);
    HttpResponse<byte[]> put = registry.putManifest(target, manifest.getManifestMediaType(), body);
    if (put.statusCode() == 400 && new String(put.body()).contains("BLOB_UNKNOWN")) {
      // First content image of this repository on this base: link the base layers, then retry.
      List<CompletableFuture<Void>> mounts = new ArrayList<>();
      for (ContentDescriptorTemplate l : baseManifest.getLayers()) {
        mounts.add(registry.mount(target, l.getDigest(), base.ref().repository()));
      }
      registry.join(
          CompletableFuture.allOf(mounts.toArray(CompletableFuture[]::new)),
          "mounting the layers of " + base + " into " + target.repository());
      put = registry.putManifest(target, manifest.getManifestMediaType(), body);
    }
    registry.check("pushing the manifest of " + target, put, 201);
    return ImageDigest.parse(sha256(body).toString());
  }

  /** The base's configuration, from the cache or the registry, checked against its digest. */
  private CompletableFuture<byte[]> config(
      Registry registry, ImageRef base, DescriptorDigest digest) {
    synchronized (configs) {
      byte[] cached = configs.get(digest);
      if (cached != null) {
        return CompletableFuture.completedFuture(cached);
      }
    }
    String what = "getting the configuration of " + base;
    return registry
        .sendAsync(what, get(registry.url("/v2/" + base.repository() + "/blobs/" + digest)).build())
        .thenApply(
            got -> {
              byte[] bytes = registry.check(what, got, 200).body();
              if (!sha256(bytes).equals(digest)) {
                throw new BuildException(
                    Failure.REGISTRY,
                    "the configuration of " + base + " does not match its digest");
              }
              synchronized (configs) {
                configs.put(digest, bytes);
              }
              return bytes;
            });
  }

  /** The base's configuration with the new layer and its history entry added. */
  private static byte[] newConfig(Base base, Layer layer, Instant created, String createdBy) {
    try {
      ContainerConfigurationTemplate config =
          JsonTemplateMapper.readJson(base.config(), ContainerConfigurationTemplate.class);
      config.addLayerDiffId(layer.diffId());
      config.addHistoryEntry(
          HistoryEntry.builder()
              .setCreationTimestamp(created)
              .setAuthor("berth")
              .setCreatedBy(createdBy)
              .build());
      config.setCreated(created.toString());
      return json(config);
    } catch (IOException e) {
      throw new BuildException(
          Failure.REGISTRY,
          "the configuration of " + base.ref() + " cannot be read: " + e.getMessage());
    }
  }

  private static BuildableManifestTemplate parseManifest(
      ImageRef base, String mediaType, byte[] body) {
    Class<? extends BuildableManifestTemplate> type;
    if (mediaType.equals(V22ManifestTemplate.MANIFEST_MEDIA_TYPE)) {
      type = V22ManifestTemplate.class;
    } else if (mediaType.equals(OciManifestTemplate.MANIFEST_MEDIA_TYPE)) {
      type = OciManifestTemplate.class;
    } else {
      throw new BuildException(
          Failure.REGISTRY,
          "the base "
              + base
              + " has a manifest of type '"
              + mediaType
              + "'; a content layer needs a single-platform image manifest");
    }
    try {
      return JsonTemplateMapper.readJson(body, type);
    } catch (IOException e) {
      throw new BuildException(
          Failure.REGISTRY, "the manifest of " + base + " cannot be read: " + e.getMessage());
    }
  }

  private HttpRequest.Builder get(URI uri) {
    return HttpRequest.newBuilder(uri).timeout(timeout).GET();
  }

  private static byte[] json(JsonTemplate template) {
    try {
      return JsonTemplateMapper.toByteArray(template);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static DescriptorDigest sha256(byte[] bytes) {
    MessageDigest md = newSha256();
    md.update(bytes);
    return digestOf(md);
  }

  static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The digest a finished SHA-256 stands for, as Jib spells it. */
  static DescriptorDigest digestOf(MessageDigest sha256) {
    try {
      return DescriptorDigest.fromHash(HexFormat.of().formatHex(sha256.digest()));
    } catch (java.security.DigestException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One push's conversation with the registry. */
  private final class Registry {
    private final String host;
    private final String scheme;

    Registry(String host) {
      this.host = host;
      this.scheme = RegistryClient.scheme(host);
    }

    URI url(String path) {
      return URI.create(scheme + "://" + host + path);
    }

    /** POST for an upload location. */
    CompletableFuture<URI> startUpload(ImageRef target) {
      HttpRequest start =
          HttpRequest.newBuilder(url("/v2/" + target.repository() + "/blobs/uploads/"))
              .timeout(timeout)
              .POST(BodyPublishers.noBody())
              .build();
      return http.sendAsync(start, BodyHandlers.ofByteArray())
          .thenApply(
              started -> {
                check("starting an upload to " + target.repository(), started, 202);
                return uploadUrl(started);
              });
    }

    /** PUT the whole blob at the session's location with its digest. */
    CompletableFuture<Void> finishUpload(
        CompletableFuture<URI> session,
        ImageRef target,
        DescriptorDigest digest,
        BodyPublisher body,
        Duration uploadTime) {
      return session
          .thenCompose(
              location -> {
                String sep = location.getRawQuery() == null ? "?" : "&";
                HttpRequest put =
                    HttpRequest.newBuilder(URI.create(location + sep + "digest=" + digest))
                        .timeout(uploadTime)
                        .header("Content-Type", "application/octet-stream")
                        .PUT(body)
                        .build();
                return http.sendAsync(put, BodyHandlers.ofByteArray());
              })
          .thenAccept(done -> check("uploading " + digest + " to " + target, done, 201));
    }

    CompletableFuture<Void> mount(ImageRef target, DescriptorDigest digest, String from) {
      HttpRequest mount =
          HttpRequest.newBuilder(
                  url(
                      "/v2/"
                          + target.repository()
                          + "/blobs/uploads/?mount="
                          + digest
                          + "&from="
                          + from))
              .timeout(timeout)
              .POST(BodyPublishers.noBody())
              .build();
      return http.sendAsync(mount, BodyHandlers.ofByteArray())
          .thenAccept(r -> check("mounting " + digest + " from " + from, r, 201));
    }

    HttpResponse<byte[]> putManifest(ImageRef target, String mediaType, byte[] body) {
      return send(
          "pushing the manifest of " + target,
          HttpRequest.newBuilder(url("/v2/" + target.repository() + "/manifests/" + target.tag()))
              .timeout(timeout)
              .header("Content-Type", mediaType)
              .PUT(BodyPublishers.ofByteArray(body))
              .build());
    }

    /** Sends without blocking; a connection failure completes exceptionally, naming the host. */
    CompletableFuture<HttpResponse<byte[]>> sendAsync(String what, HttpRequest request) {
      return http.sendAsync(request, BodyHandlers.ofByteArray())
          .exceptionally(
              e -> {
                Throwable cause = e instanceof CompletionException c ? c.getCause() : e;
                if (cause instanceof BuildException b) {
                  throw b;
                }
                throw unreachable(what, cause);
              });
    }

    HttpResponse<byte[]> send(String what, HttpRequest request) {
      try {
        return http.send(request, BodyHandlers.ofByteArray());
      } catch (IOException e) {
        throw unreachable(what, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new BuildException(Failure.CANCELLED, what + " was interrupted");
      }
    }

    void join(CompletableFuture<Void> all, String what) {
      try {
        all.join();
      } catch (CompletionException e) {
        if (e.getCause() instanceof BuildException b) {
          throw b;
        }
        throw unreachable(what, e.getCause());
      }
    }

    HttpResponse<byte[]> check(String what, HttpResponse<byte[]> response, int status) {
      if (response.statusCode() != status) {
        String body = new String(response.body());
        throw new BuildException(
            Failure.REGISTRY,
            what
                + ": registry "
                + host
                + " answered "
                + response.statusCode()
                + (body.isBlank()
                    ? ""
                    : " " + body.strip().substring(0, Math.min(300, body.strip().length()))));
      }
      return response;
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

    private URI uploadUrl(HttpResponse<byte[]> started) {
      String location =
          started
              .headers()
              .firstValue("Location")
              .orElseThrow(
                  () ->
                      new BuildException(
                          Failure.REGISTRY, "registry " + host + " gave no upload location"));
      return started.uri().resolve(location);
    }

    private BuildException unreachable(String what, Throwable e) {
      return new BuildException(
          Failure.REGISTRY, what + ": registry " + host + " cannot be reached (" + e + ")", e);
    }
  }
}
