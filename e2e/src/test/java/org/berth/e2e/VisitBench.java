package org.berth.e2e;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.berth.builder.GitServer;

/**
 * Prints how long a visitor waits from a click until the notebook answers, on an image Berth has
 * cached, against {@code docker run} of the same image until it answers, in one run on one machine.
 * The visitor is a Binder client without an account (Thebe's "activate"): {@code GET
 * /build/git/<repo>/<ref>} on Berth (ref resolved, image found in the registry, a visitor's
 * temporary server started), then {@code /api/status} through the proxy with the visit's token
 * until it answers 200. The goal is at most 1.5 times {@code docker run} and under 2 s. A program,
 * not a test: run it with {@code e2e/visit-bench.sh}.
 */
public final class VisitBench {

  private static final int ROUNDS = Integer.getInteger("bench.rounds", 7);
  private static final long POLL_MS = 10;

  /** The visitors' CPUs and memory (Berth's defaults, berth.visits.cpus and .memory). */
  private static final String CPUS = System.getProperty("bench.cpus", "0.5");

  private static final String MEMORY = System.getProperty("bench.memory", "512M");

  private final BerthProcess portal =
      new BerthProcess()
          .withEnv("BERTH_SOURCES_ALLOW_HOSTS", "127.0.0.1")
          .withEnv("BERTH_BINDER_ANONYMOUS", "true")
          .withEnv("BERTH_VISITS_MAX_PER_LINK", "100")
          .withEnv("BERTH_VISITS_MAX_OVERALL", "100")
          .withEnv("BERTH_VISITS_CPUS", CPUS)
          .withEnv("BERTH_VISITS_MEMORY", MEMORY);
  private final HttpClient http = HttpClient.newHttpClient();
  private final GitServer git = new GitServer();

  public static void main(String[] args) throws Exception {
    // Lets this program name a visit's origin in the Host header, as a browser would.
    System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host");
    new VisitBench().run();
    System.exit(0);
  }

  private void run() throws Exception {
    if (System.getenv("BERTH_JUPYTER_BASE_IMAGE") == null) {
      throw new IllegalStateException("Source /var/lib/berth/stack.env first.");
    }
    Path files = Files.createTempDirectory("berth-visit-bench");
    Files.writeString(
        files.resolve("index.ipynb"),
        "{\"cells\": [], \"metadata\": {}," + " \"nbformat\": 4, \"nbformat_minor\": 5}\n");
    String repo = git.create("visit-bench", files);
    String build = "/build/git/" + URLEncoder.encode(repo, StandardCharsets.UTF_8) + "/main";
    portal.start("VisitBench");
    List<String> plainNames = new ArrayList<>();
    try {
      // Warm-up: the first click builds the image and the engine pulls it; not measured.
      Visit first = click(build);
      String image = first.image();
      awaitStatus(first);
      String warm = dockerRun(image, "visit-bench-warm-" + portal.instanceId());
      plainNames.add("visit-bench-warm-" + portal.instanceId());
      awaitPlain(warm);

      List<Double> berth = new ArrayList<>();
      List<Double> ready = new ArrayList<>();
      List<Double> built = new ArrayList<>();
      List<Double> same = new ArrayList<>();
      List<Double> plain = new ArrayList<>();
      for (int i = 0; i < ROUNDS; i++) {
        long t0 = System.nanoTime();
        Visit v = click(build);
        ready.add(ms(t0));
        built.add(v.builtMs());
        awaitStatus(v);
        berth.add(ms(t0));

        // docker run of the same image, with the visitors' limits, then with none.
        for (boolean limited : new boolean[] {true, false}) {
          String name = "visit-bench-" + i + (limited ? "-l-" : "-u-") + portal.instanceId();
          plainNames.add(name);
          t0 = System.nanoTime();
          String port =
              limited
                  ? dockerRun(image, name, "--cpus", CPUS, "--memory", MEMORY)
                  : dockerRun(image, name);
          awaitPlain(port);
          (limited ? same : plain).add(ms(t0));
          docker("rm", "-f", name);
        }
      }
      double b = median(berth);
      double d = median(same);
      double u = median(plain);
      System.out.printf(
          "visitor's click on a cached image until the notebook answers (%d rounds; visitors get"
              + " %s CPUs and %s):%n"
              + "  Berth: median %.0f ms (image found after %.0f ms, ready event after %.0f ms),"
              + " p90 %.0f ms%n"
              + "  docker run, same limits: median %.0f ms, p90 %.0f ms; ratio %.2f%n"
              + "  docker run, no limits: median %.0f ms, p90 %.0f ms; ratio %.2f%n"
              + "  goal (at most 1.50 times docker run, under 2000 ms): %s against the same"
              + " limits, %s against none%n",
          ROUNDS,
          CPUS,
          MEMORY,
          b,
          median(built),
          median(ready),
          percentile(berth, 90),
          d,
          percentile(same, 90),
          b / d,
          u,
          percentile(plain, 90),
          b / u,
          b / d <= 1.5 && b < 2000 ? "met" : "NOT met",
          b / u <= 1.5 && b < 2000 ? "met" : "NOT met");
    } finally {
      for (String name : plainNames) {
        try {
          docker("rm", "-f", name);
        } catch (IllegalStateException gone) {
          // removed already
        }
      }
      portal.stop();
      git.close();
    }
  }

  /** A visit as the ready event tells it, and when its image was known (ms after the click). */
  private record Visit(String url, String token, String image, double builtMs) {}

  /** The click: BinderHub's build request, read until its ready event. */
  private Visit click(String build) throws Exception {
    long t0 = System.nanoTime();
    double built = Double.NaN;
    HttpResponse<InputStream> stream =
        http.send(
            HttpRequest.newBuilder(URI.create(portal.url(build))).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    if (stream.statusCode() != 200) {
      throw new IllegalStateException("/build answered " + stream.statusCode());
    }
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        if (!line.startsWith("data:")) {
          continue;
        }
        String phase = field(line, "phase");
        if (Boolean.getBoolean("bench.trace")) {
          System.out.printf(
              "  %6.0f ms %s%n", ms(t0), line.length() > 120 ? line.substring(0, 120) : line);
        }
        if (phase.equals("built") && Double.isNaN(built)) {
          built = ms(t0);
        }
        if (phase.equals("ready")) {
          return new Visit(field(line, "url"), field(line, "token"), field(line, "image"), built);
        }
        if (phase.equals("failed")) {
          throw new IllegalStateException("the visit failed: " + line);
        }
      }
    }
    throw new IllegalStateException("/build ended without ready");
  }

  /** Polls the visit's {@code /api/status} through the proxy, with its token, until 200. */
  private void awaitStatus(Visit v) throws Exception {
    URI url = URI.create(v.url());
    HttpRequest r =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + url.getPort() + url.getPath() + "api/status"))
            .header("Host", url.getHost() + ":" + url.getPort())
            .header("Authorization", "token " + v.token())
            .build();
    // A browser opens a connection of its own to each origin; so does this client.
    poll(HttpClient.newHttpClient(), r, v.url());
  }

  private void awaitPlain(String port) throws Exception {
    poll(
        HttpClient.newHttpClient(),
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/status"))
            .header("Authorization", "token plain")
            .build(),
        "docker run on " + port);
  }

  private static void poll(HttpClient client, HttpRequest r, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      try {
        if (client.send(r, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (java.io.IOException e) {
        // not listening yet
      }
      TimeUnit.MILLISECONDS.sleep(POLL_MS);
    }
    throw new IllegalStateException(what + " never answered");
  }

  private String dockerRun(String image, String name, String... limits) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "run",
                "-d",
                "--name",
                name,
                "--label",
                "org.berth.bench=" + portal.instanceId(),
                "-e",
                "JUPYTER_TOKEN=plain",
                "-p",
                "127.0.0.1::8888"));
    args.addAll(List.of(limits));
    args.add(image);
    docker(args.toArray(String[]::new));
    return docker("port", name, "8888").lines().findFirst().orElseThrow().replaceAll(".*:", "");
  }

  private static String docker(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("docker"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + ": " + out);
    }
    return out;
  }

  private static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
    if (!m.find()) {
      throw new IllegalStateException("no " + name + " in " + json);
    }
    return m.group(1);
  }

  private static double ms(long t0) {
    return (System.nanoTime() - t0) / 1e6;
  }

  private static double median(List<Double> values) {
    return percentile(values, 50);
  }

  private static double percentile(List<Double> values, int p) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }
}
