package org.berth.imagecache;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Content layers by {@link LayerKey}, so that a layer whose content did not change is never written
 * or uploaded again. The index lives in the registry, where every build node and every restart of
 * Berth finds it: each layer is kept as a one-layer image in {@link #REPOSITORY}, tagged with its
 * key. That repository is also where a layer is mounted from into a repository that lacks it. The
 * most recent entries are kept in memory as well, so a look-up that was answered before costs no
 * request.
 *
 * <p>Thread-safe. A look-up that fails (the registry is down) answers empty rather than failing:
 * the layer is then written again, which costs time, not correctness.
 */
public final class LayerIndex {
  /** Where the index lives in each registry. */
  public static final String REPOSITORY = "berth/layers";

  private static final int REMEMBERED = 20_000;

  private final RegistryClient client;
  private final String repository;
  private final Map<String, Layer> remembered =
      new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Layer> eldest) {
          return size() > REMEMBERED;
        }
      };

  public LayerIndex(RegistryClient client) {
    this(client, REPOSITORY);
  }

  /**
   * @param repository the index repository in each registry (tests give each "machine" its own)
   */
  public LayerIndex(RegistryClient client, String repository) {
    if (!ImageRef.isValidRepository(repository)) {
      throw new IllegalArgumentException("not a repository name: " + repository);
    }
    this.client = client;
    this.repository = repository;
  }

  /** The repository the index keeps its layers in: the source to mount them from. */
  public String repository() {
    return repository;
  }

  /**
   * Looks a layer up: in memory, else in the registry (one manifest and one configuration read).
   *
   * @return the layer, or empty when no layer with that key was recorded in that registry
   */
  public CompletableFuture<Optional<Layer>> find(String registry, LayerKey key) {
    Optional<Layer> known = known(registry, key);
    if (known.isPresent()) {
      return CompletableFuture.completedFuture(known);
    }
    return client
        .read(entry(registry, key))
        .thenApply(
            found ->
                found.flatMap(
                    image -> {
                      Optional<Layer> layer = layerOf(image);
                      layer.ifPresent(l -> remember(registry, key, l));
                      return layer;
                    }))
        .exceptionally(e -> Optional.empty());
  }

  /** The layer, if this process has looked it up or recorded it; asks nothing. */
  public Optional<Layer> known(String registry, LayerKey key) {
    synchronized (remembered) {
      return Optional.ofNullable(remembered.get(registry + "/" + key.hex()));
    }
  }

  /**
   * Records a layer that {@code in}'s repository holds: mounts it into the index repository and
   * tags a one-layer image with its key there.
   *
   * @return completes once the registry has the entry
   */
  public CompletableFuture<Void> record(LayerKey key, Layer layer, ImageRef in, Duration timeout) {
    ImageRef entry = entry(in.registry(), key);
    PreparedImage image = PreparedImage.ofLayer(layer, "berth: content layer " + key.hex());
    CompletableFuture<Boolean> mounted = client.mount(entry, layer.digest(), in.repository());
    BlobUploads uploads = client.uploads(entry, 0);
    CompletableFuture<Void> config = uploads.put(image.configDigest(), image.config(), timeout);
    return CompletableFuture.allOf(mounted, config)
        .thenRun(
            () -> {
              client.push(entry, image, Map.of(layer.digest(), in.repository()));
              remember(in.registry(), key, layer);
            })
        .whenComplete((ok, e) -> uploads.close());
  }

  /** Remembers a layer without recording it in the registry (it is there already). */
  public void remember(String registry, LayerKey key, Layer layer) {
    synchronized (remembered) {
      remembered.put(registry + "/" + key.hex(), layer);
    }
  }

  private ImageRef entry(String registry, LayerKey key) {
    return new ImageRef(registry, repository, key.hex());
  }

  private static Optional<Layer> layerOf(RegistryImage image) {
    if (image.layers().size() != 1) {
      return Optional.empty();
    }
    Descriptor blob = image.layers().get(0);
    var diffIds = ImageJson.read(image.configJson(), "a layer index entry").path("rootfs");
    String diffId = diffIds.path("diff_ids").path(0).asText("");
    try {
      return Optional.of(new Layer(blob.digest(), blob.size(), BlobDigest.parse(diffId)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
