package org.berth.imagecache;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * An image ready to be pushed: its manifest and configuration bytes, and the blobs the manifest
 * names. Immutable and thread-safe; the digest is the manifest's.
 */
public final class PreparedImage {
  private final String mediaType;
  private final byte[] manifest;
  private final byte[] config;
  private final List<Descriptor> layers;

  PreparedImage(String mediaType, byte[] manifest, byte[] config, List<Descriptor> layers) {
    this.mediaType = mediaType;
    this.manifest = manifest;
    this.config = config;
    this.layers = List.copyOf(layers);
  }

  /**
   * An image of one layer and nothing else (no command, no user): a record of the layer that the
   * registry keeps, and that {@code docker pull} can still fetch.
   */
  public static PreparedImage ofLayer(Layer layer, String createdBy) {
    ObjectNode config = ImageJson.object();
    config.put("architecture", "amd64");
    config.put("os", "linux");
    config.putObject("config");
    ObjectNode rootfs = config.putObject("rootfs");
    rootfs.put("type", "layers");
    rootfs.putArray("diff_ids").add(layer.diffId().value());
    config.putArray("history").addObject().put("created_by", createdBy);
    byte[] configBytes = ImageJson.write(config);
    Descriptor layerDescriptor =
        new Descriptor(
            MediaTypes.layer(MediaTypes.DOCKER_MANIFEST, layer.compressed()),
            layer.digest(),
            layer.size());
    ObjectNode manifest = ImageJson.object();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", MediaTypes.DOCKER_MANIFEST);
    manifest.set(
        "config",
        ImageJson.descriptor(
            new Descriptor(
                MediaTypes.DOCKER_CONFIG, BlobDigest.of(configBytes), configBytes.length)));
    ArrayNode layers = manifest.putArray("layers");
    layers.add(ImageJson.descriptor(layerDescriptor));
    return new PreparedImage(
        MediaTypes.DOCKER_MANIFEST,
        ImageJson.write(manifest),
        configBytes,
        List.of(layerDescriptor));
  }

  /** The manifest's media type. */
  public String mediaType() {
    return mediaType;
  }

  /** The manifest as it will be pushed. */
  public byte[] manifest() {
    return manifest.clone();
  }

  /** The configuration blob's bytes. */
  public byte[] config() {
    return config.clone();
  }

  /** The configuration blob's digest. */
  public BlobDigest configDigest() {
    return BlobDigest.of(config);
  }

  /** The layers the manifest names, bottom first. */
  public List<Descriptor> layers() {
    return layers;
  }

  /** The digest the registry will give the image. */
  public ImageDigest digest() {
    return ImageDigest.parse(BlobDigest.of(manifest).value());
  }

  /** The manifest's length in bytes. */
  int manifestSize() {
    return manifest.length;
  }
}
