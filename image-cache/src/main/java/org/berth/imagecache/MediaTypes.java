package org.berth.imagecache;

/** The media types of the OCI and Docker image formats that Berth reads and writes. */
public final class MediaTypes {
  public static final String DOCKER_MANIFEST =
      "application/vnd.docker.distribution.manifest.v2+json";
  public static final String DOCKER_MANIFEST_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";
  public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
  public static final String DOCKER_LAYER_GZIP =
      "application/vnd.docker.image.rootfs.diff.tar.gzip";
  public static final String DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar";
  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
  public static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
  public static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar";

  private MediaTypes() {}

  /** The media type of a layer in a manifest of the given type. */
  static String layer(String manifestType, boolean compressed) {
    if (manifestType.equals(OCI_MANIFEST)) {
      return compressed ? OCI_LAYER_GZIP : OCI_LAYER;
    }
    return compressed ? DOCKER_LAYER_GZIP : DOCKER_LAYER;
  }

  /** The media type of the configuration in a manifest of the given type. */
  static String config(String manifestType) {
    return manifestType.equals(OCI_MANIFEST) ? OCI_CONFIG : DOCKER_CONFIG;
  }
}
