package org.berth.builder;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * Limits on fetching sources ({@code berth.sources.*}).
 *
 * @param allowHosts hosts or IP addresses allowed even though they are internal (e.g. {@code
 *     127.0.0.1} for a test git server)
 * @param denyHosts hosts always refused
 * @param maxRepoBytes largest fetch: bytes downloaded into the mirror plus bytes of the files
 *     written out
 * @param fetchTimeout longest ref resolution or fetch
 * @param submodules whether submodules are fetched (such fetches bypass the mirror cache)
 * @param cacheDir where the bare mirrors of fetched repositories are kept, one per repository; one
 *     Berth process per directory
 * @param cacheMaxBytes the mirrors' total size above which the least recently used ones are deleted
 */
public record SourcePolicy(
    Set<String> allowHosts,
    Set<String> denyHosts,
    long maxRepoBytes,
    Duration fetchTimeout,
    boolean submodules,
    Path cacheDir,
    long cacheMaxBytes) {
  public SourcePolicy {
    allowHosts = Set.copyOf(allowHosts);
    denyHosts = Set.copyOf(denyHosts);
    if (maxRepoBytes <= 0) {
      throw new IllegalArgumentException("maxRepoBytes must be positive");
    }
    if (fetchTimeout == null || fetchTimeout.isNegative() || fetchTimeout.isZero()) {
      throw new IllegalArgumentException("fetchTimeout must be positive");
    }
    if (cacheDir == null) {
      throw new IllegalArgumentException("cacheDir must be given");
    }
    cacheDir = cacheDir.toAbsolutePath().normalize();
    if (cacheMaxBytes <= 0) {
      throw new IllegalArgumentException("cacheMaxBytes must be positive");
    }
  }

  /** Where the mirrors live unless configured: {@code ${java.io.tmpdir}/berth-git-mirrors}. */
  public static Path defaultCacheDir() {
    return Path.of(System.getProperty("java.io.tmpdir"), "berth-git-mirrors");
  }

  /**
   * Defaults: nothing internal allowed, 500 MB, 2 minutes, no submodules, mirrors in {@link
   * #defaultCacheDir()} up to 2 GiB.
   */
  public static SourcePolicy defaults() {
    return new SourcePolicy(
        Set.of(),
        Set.of(),
        500L * 1024 * 1024,
        Duration.ofMinutes(2),
        false,
        defaultCacheDir(),
        2L * 1024 * 1024 * 1024);
  }

  public SourcePolicy withAllowHosts(Set<String> hosts) {
    return new SourcePolicy(
        hosts, denyHosts, maxRepoBytes, fetchTimeout, submodules, cacheDir, cacheMaxBytes);
  }

  public SourcePolicy withMaxRepoBytes(long bytes) {
    return new SourcePolicy(
        allowHosts, denyHosts, bytes, fetchTimeout, submodules, cacheDir, cacheMaxBytes);
  }

  public SourcePolicy withCache(Path dir, long maxBytes) {
    return new SourcePolicy(
        allowHosts, denyHosts, maxRepoBytes, fetchTimeout, submodules, dir, maxBytes);
  }
}
