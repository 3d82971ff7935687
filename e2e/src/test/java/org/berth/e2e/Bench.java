package org.berth.e2e;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the benchmark programs share: running {@code docker}, timing and figures. */
final class Bench {

  private Bench() {}

  /** Runs {@code docker} with {@code args}; its output, or an exception naming the command. */
  static String docker(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("docker"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + ": " + out);
    }
    return out;
  }

  /**
   * Starts a plain Jupyter server of {@code image} with {@code docker run} (token {@code plain},
   * labelled as the benchmark's of {@code instance}, with extra {@code options} such as limits);
   * the host port it answers on.
   */
  static String dockerRun(String instance, String image, String name, String... options)
      throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "run",
                "-d",
                "--name",
                name,
                "--label",
                "org.berth.bench=" + instance,
                "-e",
                "JUPYTER_TOKEN=plain",
                "-p",
                "127.0.0.1::8888"));
    args.addAll(List.of(options));
    args.add(image);
    docker(args.toArray(String[]::new));
    return docker("port", name, "8888").lines().findFirst().orElseThrow().replaceAll(".*:", "");
  }

  /** The string value of {@code name} in a flat JSON object. */
  static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
    if (!m.find()) {
      throw new IllegalStateException("no " + name + " in " + json);
    }
    return m.group(1);
  }

  /** Milliseconds since {@code t0} (a {@link System#nanoTime()}). */
  static double ms(long t0) {
    return (System.nanoTime() - t0) / 1e6;
  }

  static double median(List<Double> values) {
    return percentile(values, 50);
  }

  /** The nearest-rank percentile; NaN of no values. */
  static double percentile(List<Double> values, int p) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }
}
