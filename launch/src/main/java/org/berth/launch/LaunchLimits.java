package org.berth.launch;

import java.time.Duration;

/**
 * The most any server may use, and defaults for what a launch leaves out. A request over a maximum
 * is refused, never silently lowered.
 */
public record LaunchLimits(
    long maxMemoryBytes,
    double maxCpus,
    long pidsLimit,
    int maxServersPerUser,
    Duration maxIdleTimeout,
    Duration maxAge,
    Duration readinessTimeout,
    Resources defaults) {

  /** Checks a request against the maxima; returns it unchanged when it fits. */
  public Resources check(Resources r) {
    if (r.memoryBytes() > maxMemoryBytes) {
      throw new LaunchException.LimitExceeded(
          "Memory "
              + mib(r.memoryBytes())
              + " MiB is over the limit of "
              + mib(maxMemoryBytes)
              + " MiB.");
    }
    if (r.cpus() > maxCpus) {
      throw new LaunchException.LimitExceeded(
          "CPUs " + r.cpus() + " is over the limit of " + maxCpus + ".");
    }
    if (r.idleTimeout().compareTo(maxIdleTimeout) > 0) {
      throw new LaunchException.LimitExceeded(
          "Idle timeout "
              + ServerSpec.words(r.idleTimeout())
              + " is over the limit of "
              + ServerSpec.words(maxIdleTimeout)
              + ".");
    }
    if (r.maxAge().compareTo(maxAge) > 0) {
      throw new LaunchException.LimitExceeded(
          "Maximum age "
              + ServerSpec.words(r.maxAge())
              + " is over the limit of "
              + ServerSpec.words(maxAge)
              + ".");
    }
    return r;
  }

  private static long mib(long bytes) {
    return bytes >> 20;
  }
}
