package org.berth.imagecache;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Berth's one client of OCI registries (the distribution API): looks images up, reads them, uploads
 * blobs, mounts blobs across repositories and pushes manifests. Implementations are thread-safe and
 * keep their connections open between requests. Failures are {@link ImageCacheException}s that name
 * the registry and the image or blob involved.
 */
public interface RegistryClient {
  /**
   * Looks the tagged image up without downloading it.
   *
   * @return the manifest digest, or empty when the registry does not have that tag
   * @throws RegistryUnavailableException when the registry cannot answer
   */
  Optional<ImageDigest> find(ImageRef ref);

  /**
   * Starts reading an image: its manifest, then its configuration (kept in memory by digest, so a
   * second read of an unchanged image is one request). Completes empty when the registry does not
   * have the tag; fails with a {@link RegistryUnavailableException} when the registry cannot answer
   * and an {@link UnsupportedImageException} for an image that is not a single-platform image.
   */
  CompletableFuture<Optional<RegistryImage>> read(ImageRef ref);

  /**
   * The last read of {@code ref} that found it, if any, without asking the registry: a caller may
   * start from it while a fresh {@link #read} checks it.
   */
  Optional<RegistryImage> lastRead(ImageRef ref);

  /** Starts reading a blob that holds JSON or other small data; empty when it is not there. */
  CompletableFuture<Optional<byte[]>> readBlob(ImageRef repository, BlobDigest digest);

  /**
   * Opens blob uploads into {@code target}'s repository, with {@code ahead} sessions opened at once
   * (see {@link BlobUploads}).
   */
  BlobUploads uploads(ImageRef target, int ahead);

  /**
   * Links a blob of another repository of the same registry into {@code target}'s repository,
   * without moving its bytes.
   *
   * @return completes with true when {@code target}'s repository has the blob, false when {@code
   *     from} does not have it either (nothing was changed)
   */
  CompletableFuture<Boolean> mount(ImageRef target, BlobDigest digest, String from);

  /**
   * Pushes {@code image} as {@code target}. Blobs the target repository lacks are first looked for
   * in other repositories of the same registry: {@code sources} says where each blob is known to
   * be, and those are mounted (no bytes move) only when the registry says they are missing. The
   * manifest is pushed last, so a failure leaves no tag behind.
   *
   * @return the digest of the pushed manifest
   * @throws MissingBlobsException when blobs are missing and could not be mounted; nothing was
   *     tagged, and pushing again after uploading them succeeds
   */
  ImageDigest push(ImageRef target, PreparedImage image, Map<BlobDigest, String> sources);

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
