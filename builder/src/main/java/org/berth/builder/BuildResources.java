package org.berth.builder;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What every build step may use ({@code berth.builder.build-memory}, {@code build-cpus}, {@code
 * build-network}): the engine runs each {@code RUN} step, and the buildpacks builder, in a
 * container with this memory (no swap on top) and CPU quota, attached to this Docker network — one
 * of Berth's own, made by Berth when missing, with traffic between its containers off.
 *
 * @param memoryBytes memory limit of one build step, at least 64 MiB
 * @param cpus CPU limit of one build step, from 0.01 to 1024
 * @param network name of the Docker network builds run on
 */
public record BuildResources(long memoryBytes, double cpus, String network) {
  private static final long MIB = 1024L * 1024;
  private static final Pattern SIZE =
      Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(?:i?b)?", Pattern.CASE_INSENSITIVE);

  public BuildResources {
    if (memoryBytes < 64 * MIB) {
      throw new IllegalArgumentException(
          "berth.builder.build-memory must be at least 64m, was " + memoryBytes + " bytes");
    }
    if (!(cpus >= 0.01 && cpus <= 1024)) {
      throw new IllegalArgumentException(
          "berth.builder.build-cpus must be between 0.01 and 1024, was " + cpus);
    }
    if (network == null || !network.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}")) {
      throw new IllegalArgumentException(
          "berth.builder.build-network must be a Docker network name, was " + network);
    }
  }

  /** 2 GiB and one CPU per build step, on {@code berth-builds}. */
  public static BuildResources defaults() {
    return new BuildResources(2048 * MIB, 1, "berth-builds");
  }

  /** Reads the settings' text forms: memory as {@code 2g}, {@code 512m}, {@code 2GiB} or bytes. */
  public static BuildResources of(String memory, double cpus, String network) {
    return new BuildResources(parseBytes(memory), cpus, network);
  }

  /** {@code 2g}, {@code 512M}, {@code 1.5GiB}, {@code 1073741824}: powers of 1024. */
  public static long parseBytes(String text) {
    Matcher m = SIZE.matcher(text == null ? "" : text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "not a size: '" + text + "' (write it as bytes or with k, m, g or t, e.g. 2g)");
    }
    String unit = m.group(2).toLowerCase(Locale.ROOT);
    int power = unit.isEmpty() ? 0 : "kmgt".indexOf(unit) + 1;
    double bytes = Double.parseDouble(m.group(1)) * Math.pow(1024, power);
    if (bytes > Long.MAX_VALUE) {
      throw new IllegalArgumentException("size too large: " + text);
    }
    return (long) bytes;
  }

  /** The CPU quota per 100 ms period, in microseconds, as the engine takes it. */
  public long cpuQuotaMicros() {
    return Math.round(cpus * CPU_PERIOD_MICROS);
  }

  /** The period {@link #cpuQuotaMicros()} is measured against. */
  public static final long CPU_PERIOD_MICROS = 100_000;
}
