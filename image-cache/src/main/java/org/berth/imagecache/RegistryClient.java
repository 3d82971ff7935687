package org.berth.imagecache;

import java.util.Optional;

/** Asks an OCI registry (distribution API) about images. Implementations are thread-safe. */
public interface RegistryClient {
  /**
   * Looks the tagged image up without downloading it.
   *
   * @return the manifest digest, or empty when the registry does not have that tag
   * @throws RegistryUnavailableException when the registry cannot answer
   */
  Optional<ImageDigest> find(ImageRef ref);

  /** A client of a registry that speaks the OCI distribution API, with a 10 s timeout. */
  static RegistryClient distribution() {
    return new org.berth.imagecache.registry.DistributionRegistryClient();
  }

  /**
   * The scheme to reach a registry host by: plain HTTP on loopback (as Docker allows), HTTPS
   * elsewhere.
   */
  static String scheme(String registry) {
    return org.berth.imagecache.registry.DistributionRegistryClient.scheme(registry);
  }
}
