package org.berth.builder;

import java.time.Duration;
import java.util.Set;

/**
 * Limits on fetching sources ({@code berth.sources.*}).
 *
 * @param allowHosts hosts or IP addresses allowed even though they are internal (e.g. {@code
 *     127.0.0.1} for a test git server)
 * @param denyHosts hosts always refused
 * @param maxRepoBytes largest fetched repository (git objects plus checkout), bytes
 * @param fetchTimeout longest ref resolution or fetch
 * @param submodules whether submodules are fetched
 */
public record SourcePolicy(
    Set<String> allowHosts,
    Set<String> denyHosts,
    long maxRepoBytes,
    Duration fetchTimeout,
    boolean submodules) {
  public SourcePolicy {
    allowHosts = Set.copyOf(allowHosts);
    denyHosts = Set.copyOf(denyHosts);
    if (maxRepoBytes <= 0) {
      throw new IllegalArgumentException("maxRepoBytes must be positive");
    }
    if (fetchTimeout == null || fetchTimeout.isNegative() || fetchTimeout.isZero()) {
      throw new IllegalArgumentException("fetchTimeout must be positive");
    }
  }

  /** Defaults: nothing internal allowed, 500 MB, 2 minutes, no submodules. */
  public static SourcePolicy defaults() {
    return new SourcePolicy(Set.of(), Set.of(), 500L * 1024 * 1024, Duration.ofMinutes(2), false);
  }

  public SourcePolicy withAllowHosts(Set<String> hosts) {
    return new SourcePolicy(hosts, denyHosts, maxRepoBytes, fetchTimeout, submodules);
  }

  public SourcePolicy withMaxRepoBytes(long bytes) {
    return new SourcePolicy(allowHosts, denyHosts, bytes, fetchTimeout, submodules);
  }
}
