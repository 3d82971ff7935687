package org.berth.imagecache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A single-platform image as read from a registry: its manifest and its configuration. Immutable
 * and thread-safe. New images are made from it with {@link #plus}: the same image with layers put
 * on top.
 */
public final class RegistryImage {
  private final ImageRef ref;
  private final ImageDigest digest;
  private final String mediaType;
  private final JsonNode manifest;
  private final Descriptor config;
  private final byte[] configJson;
  private final List<Descriptor> layers;

  private RegistryImage(
      ImageRef ref,
      ImageDigest digest,
      String mediaType,
      JsonNode manifest,
      Descriptor config,
      byte[] configJson,
      List<Descriptor> layers) {
    this.ref = ref;
    this.digest = digest;
    this.mediaType = mediaType;
    this.manifest = manifest;
    this.config = config;
    this.configJson = configJson;
    this.layers = layers;
  }

  /**
   * Reads an image from its manifest and configuration as the registry sent them.
   *
   * @param mediaType the manifest's media type (the registry's {@code Content-Type})
   * @throws UnsupportedImageException when the manifest is not a single-platform image manifest, or
   *     the configuration does not match the digest the manifest gives it
   */
  public static RegistryImage parse(
      ImageRef ref, String mediaType, byte[] manifestJson, byte[] configJson) {
    String type = mediaType == null ? "" : mediaType.replaceFirst(";.*", "").strip();
    if (!type.equals(MediaTypes.DOCKER_MANIFEST) && !type.equals(MediaTypes.OCI_MANIFEST)) {
      throw new UnsupportedImageException(
          ref
              + " has a manifest of type '"
              + type
              + "'; only a single-platform image manifest can have layers put on it");
    }
    JsonNode manifest = ImageJson.read(manifestJson, "the manifest of " + ref);
    Descriptor config = configOf(ref, manifest);
    if (!BlobDigest.of(configJson).equals(config.digest())) {
      throw new UnsupportedImageException(
          "the configuration of " + ref + " does not match its digest " + config.digest());
    }
    ImageJson.read(configJson, "the configuration of " + ref);
    List<Descriptor> layers = new ArrayList<>();
    for (JsonNode layer : manifest.path("layers")) {
      layers.add(ImageJson.descriptor(layer, "a layer of " + ref));
    }
    return new RegistryImage(
        ref,
        ImageDigest.parse(BlobDigest.of(manifestJson).value()),
        type,
        manifest,
        config,
        configJson.clone(),
        List.copyOf(layers));
  }

  /** The configuration a manifest names (the digest to fetch before {@link #parse}). */
  public static Descriptor configOf(ImageRef ref, byte[] manifestJson) {
    return configOf(ref, ImageJson.read(manifestJson, "the manifest of " + ref));
  }

  private static Descriptor configOf(ImageRef ref, JsonNode manifest) {
    return ImageJson.descriptor(manifest.get("config"), "the configuration of " + ref);
  }

  /** Where the image was read from. */
  public ImageRef ref() {
    return ref;
  }

  /** The digest of the manifest that was read. */
  public ImageDigest digest() {
    return digest;
  }

  /** The manifest's media type (Docker v2 or OCI). */
  public String mediaType() {
    return mediaType;
  }

  /** The layers, bottom first. */
  public List<Descriptor> layers() {
    return layers;
  }

  /** The configuration blob. */
  public Descriptor config() {
    return config;
  }

  /** The configuration's JSON as stored. */
  public byte[] configJson() {
    return configJson.clone();
  }

  /** The image's labels (its configuration's {@code config.Labels}); empty when it has none. */
  public Map<String, String> labels() {
    Map<String, String> labels = new TreeMap<>();
    ImageJson.read(configJson, "the configuration of " + ref)
        .path("config")
        .path("Labels")
        .fields()
        .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    return labels;
  }

  /**
   * This image with {@code added} put on top, in order, each with its history entry: the
   * configuration keeps everything of this one (user, command, environment, labels) and gets the
   * layers' diff ids, the history entries and {@code created}; the manifest is of the same type.
   *
   * @param createdBy one history text per added layer
   */
  public PreparedImage plus(List<Layer> added, List<String> createdBy, Instant created) {
    if (added.size() != createdBy.size()) {
      throw new IllegalArgumentException("one history text per layer is needed");
    }
    ObjectNode newConfig = (ObjectNode) ImageJson.read(configJson, "the configuration");
    ObjectNode rootfs = newConfig.withObjectProperty("rootfs");
    if (!rootfs.has("type")) {
      rootfs.put("type", "layers");
    }
    ArrayNode diffIds = rootfs.withArrayProperty("diff_ids");
    ArrayNode history = newConfig.withArrayProperty("history");
    for (int i = 0; i < added.size(); i++) {
      diffIds.add(added.get(i).diffId().value());
      ObjectNode entry = history.addObject();
      entry.put("created", created.toString());
      entry.put("author", "berth");
      entry.put("created_by", createdBy.get(i));
    }
    newConfig.put("created", created.toString());
    byte[] configBytes = ImageJson.write(newConfig);
    List<Descriptor> all = new ArrayList<>(layers);
    for (Layer layer : added) {
      all.add(
          new Descriptor(
              MediaTypes.layer(mediaType, layer.compressed()), layer.digest(), layer.size()));
    }
    ObjectNode newManifest = ImageJson.object();
    newManifest.put("schemaVersion", 2);
    newManifest.put("mediaType", mediaType);
    newManifest.set(
        "config",
        ImageJson.descriptor(
            new Descriptor(config.mediaType(), BlobDigest.of(configBytes), configBytes.length)));
    ArrayNode layerNodes = newManifest.putArray("layers");
    // The base's own entries are copied as they are (annotations, urls and all).
    manifest.path("layers").forEach(layerNodes::add);
    for (int i = layers.size(); i < all.size(); i++) {
      layerNodes.add(ImageJson.descriptor(all.get(i)));
    }
    return new PreparedImage(mediaType, ImageJson.write(newManifest), configBytes, all);
  }

  @Override
  public String toString() {
    return ref + "@" + digest;
  }
}
