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
}
