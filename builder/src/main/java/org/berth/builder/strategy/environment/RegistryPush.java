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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.berth.builder.BuildException;
import org.berth.builder.BuildException.Failure;
import org.berth.imagecache.ImageDigest;
import org.berth.imagecache.ImageRef;
import org.berth.imagecache.registry.DistributionRegistryClient;

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
  private static final int CONFIG_CACHE = 64;

  private final HttpClient http;
  private final Duration timeout;
  private final Map<DescriptorDigest, byte[]> configs =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<DescriptorDigest, byte[]> eldest) {
          return size() > CONFIG_CACHE;
        }
      };

  RegistryPush(Duration timeout) {
    this.timeout = timeout;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
  }

  /** The layer to add: its gzipped file, and the digests of the gzipped and the plain tar. */
  record Layer(Path gzip, DescriptorDigest digest, long size, DescriptorDigest diffId) {}

  /**
   * Pushes {@code base} plus {@code layer} as {@code target}. The manifest goes last, so a failure
   * leaves no tag behind.
   *
   * @param uploadTime how long a blob upload may take (the build's time left); other requests get
   *     the client's timeout
   * @return the digest of the pushed manifest
   */
  ImageDigest push(
      ImageRef base,
      ImageRef target,
      Layer layer,
      Instant created,
      String createdBy,
      Duration uploadTime) {
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
    Registry registry = new Registry(target.registry(), uploadTime);
    // Open both upload sessions while the base is read: each costs the registry a few file writes.
    CompletableFuture<URI> layerSession = registry.startUpload(target);
    CompletableFuture<URI> configSession = registry.startUpload(target);
    boolean uploaded = false;
    try {
      HttpResponse<byte[]> got =
          registry.expect(
              "getting the manifest of " + base,
              get(registry.url("/v2/" + base.repository() + "/manifests/" + base.tag()))
                  .header("Accept", V22ManifestTemplate.MANIFEST_MEDIA_TYPE)
                  .header("Accept", OciManifestTemplate.MANIFEST_MEDIA_TYPE)
                  .build(),
              200);
      String mediaType = got.headers().firstValue("Content-Type").orElse("");
      BuildableManifestTemplate baseManifest = parseManifest(base, mediaType, got.body());
      ContentDescriptorTemplate baseConfig = baseManifest.getContainerConfiguration();
      byte[] config = newConfig(registry, base, baseConfig.getDigest(), layer, created, createdBy);
      DescriptorDigest configDigest = sha256(config);
      BodyPublisher layerBody;
      try {
        layerBody = BodyPublishers.ofFile(layer.gzip());
      } catch (java.io.FileNotFoundException e) {
        throw new IllegalStateException("the content layer's file is gone: " + layer.gzip(), e);
      }
      registry.join(
          CompletableFuture.allOf(
              registry.finishUpload(layerSession, target, layer.digest(), layerBody),
              registry.finishUpload(
                  configSession, target, configDigest, BodyPublishers.ofByteArray(config))),
          "uploading to " + target);
      uploaded = true;
      return pushManifest(registry, base, baseManifest, target, config, configDigest, layer);
    } finally {
      if (!uploaded) {
        registry.cancel(layerSession);
        registry.cancel(configSession);
      }
    }
  }

  private ImageDigest pushManifest(
      Registry registry,
      ImageRef base,
      BuildableManifestTemplate baseManifest,
      ImageRef target,
      byte[] config,
      DescriptorDigest configDigest,
      Layer layer) {
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
        mounts.add(registry.mount(target, l.getDigest(), base.repository()));
      }
      registry.join(
          CompletableFuture.allOf(mounts.toArray(CompletableFuture[]::new)),
          "mounting the layers of " + base + " into " + target.repository());
      put = registry.putManifest(target, manifest.getManifestMediaType(), body);
    }
    registry.check("pushing the manifest of " + target, put, 201);
    return ImageDigest.parse(sha256(body).toString());
  }

  private byte[] newConfig(
      Registry registry,
      ImageRef base,
      DescriptorDigest digest,
      Layer layer,
      Instant created,
      String createdBy) {
    byte[] bytes;
    synchronized (configs) {
      bytes = configs.get(digest);
    }
    if (bytes == null) {
      bytes =
          registry
              .expect(
                  "getting the configuration of " + base,
                  get(registry.url("/v2/" + base.repository() + "/blobs/" + digest)).build(),
                  200)
              .body();
      if (!sha256(bytes).equals(digest)) {
        throw new BuildException(
            Failure.REGISTRY, "the configuration of " + base + " does not match its digest");
      }
      synchronized (configs) {
        configs.put(digest, bytes);
      }
    }
    try {
      ContainerConfigurationTemplate config =
          JsonTemplateMapper.readJson(bytes, ContainerConfigurationTemplate.class);
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
          Failure.REGISTRY, "the configuration of " + base + " cannot be read: " + e.getMessage());
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
    private final Duration uploadTime;

    Registry(String host, Duration uploadTime) {
      this.host = host;
      this.uploadTime = uploadTime.compareTo(timeout) > 0 ? uploadTime : timeout;
      this.scheme = DistributionRegistryClient.scheme(host);
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
        BodyPublisher body) {
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

    HttpResponse<byte[]> expect(String what, HttpRequest request, int status) {
      return check(what, send(what, request), status);
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
