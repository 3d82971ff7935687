package org.berth.launch;

import java.time.Duration;

/**
 * What a server may use: memory in bytes, CPUs (fractions allowed), and how long it may stay idle
 * or alive before it is stopped. Zero durations mean "no limit of this server's own" (the
 * configured maximum still applies).
 */
public record Resources(long memoryBytes, double cpus, Duration idleTimeout, Duration maxAge) {

  /** The least memory a server may ask for. */
  public static final long MIN_MEMORY = 32L << 20;

  /** The smallest share of a processor a server may ask for. */
  public static final double MIN_CPUS = 0.01;

  public Resources {
    if (memoryBytes <= 0) {
      throw new LaunchException.LimitExceeded("Memory must be more than zero.");
    }
    if (memoryBytes < MIN_MEMORY) {
      throw new LaunchException.LimitExceeded(
          "Memory must be at least " + (MIN_MEMORY >> 20) + " MiB; a server cannot run in less.");
    }
    if (!(cpus >= MIN_CPUS) || Double.isInfinite(cpus)) {
      throw new LaunchException.LimitExceeded(
          "CPUs must be at least " + MIN_CPUS + " (a hundredth of a processor).");
    }
    if (idleTimeout.isNegative() || maxAge.isNegative()) {
      throw new LaunchException.LimitExceeded("Timeouts cannot be negative.");
    }
  }

  /**
   * Parses a memory size such as {@code 512M}, {@code 2G} or {@code 1073741824} (bytes).
   *
   * @throws LaunchException.LimitExceeded with a readable message when it is not a size
   */
  public static long parseMemory(String text) {
    String t = text.strip().toUpperCase();
    long unit = 1;
    if (t.endsWith("B")) {
      t = t.substring(0, t.length() - 1);
    }
    if (t.endsWith("K") || t.endsWith("M") || t.endsWith("G")) {
      unit = 1L << (10 * ("KMG".indexOf(t.charAt(t.length() - 1)) + 1));
      t = t.substring(0, t.length() - 1);
    }
    try {
      double value = Double.parseDouble(t);
      if (value <= 0 || Double.isNaN(value) || Double.isInfinite(value)) {
        throw new NumberFormatException();
      }
      return (long) (value * unit);
    } catch (NumberFormatException e) {
      throw new LaunchException.LimitExceeded(
          "Memory '" + text + "' is not a size; write it like 512M or 2G.");
    }
  }
}
