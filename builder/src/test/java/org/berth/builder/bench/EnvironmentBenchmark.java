package org.berth.builder.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.berth.builder.BuildEvent;
import org.berth.builder.BuildHandle;
import org.berth.builder.BuildResources;
import org.berth.builder.BuildService;
import org.berth.builder.BuilderStack;
import org.berth.builder.GitServer;
import org.berth.builder.InMemoryBuildStore;
import org.berth.builder.PackageIndex;
import org.berth.builder.SourceSpec;
import org.berth.builder.TestEnv;

/**
 * The cold environment build of an {@code apt.txt} + {@code requirements.txt} repository (the
 * {@code apt-requirements} fixture): Berth, from the request to the image in the registry, against
 * a plain {@code docker build} of the equivalent Dockerfile, in one run. A program, not a test.
 * Each sample gives both builds files of their own (a comment line), so neither finds a layer of an
 * earlier build in the engine's cache; the order alternates between samples. Run from the
 * repository root with the stack's environment exported:
 *
 * <pre>
 * ./mvnw -B -pl builder -am -Pbench -DskipTests verify \
 *     -Dbench.main=org.berth.builder.bench.EnvironmentBenchmark -Dbench.args=-Dsamples=3
 * </pre>
 */
public final class EnvironmentBenchmark {
  private static final int SAMPLES = Integer.getInteger("samples", 3);

  public static void main(String[] args) throws Exception {
    String base = TestEnv.require("BERTH_JUPYTER_BASE_IMAGE");
    String registry = TestEnv.require("BERTH_REGISTRY");
    List<Double> berth = new ArrayList<>();
    List<Double> docker = new ArrayList<>();
    List<Double> dockerPush = new ArrayList<>();
    List<Double> dockerLimited = new ArrayList<>();
    // Berth runs every build step within its build limits (berth.builder.build-cpus, -memory, its
    // own network); the plain docker build has none, so it is also measured with the same limits.
    BuildResources limits = BuildResources.defaults();
    Map<String, List<Double>> stages = new LinkedHashMap<>();
    try (GitServer git = new GitServer();
        PackageIndex index = new PackageIndex(BuilderStack.buildNetworkGateway());
        BuildService service =
            BuilderStack.service(
                BuilderStack.config(TestEnv.require("BERTH_REGISTRY"), base)
                    .withPipIndexUrl(index.url()),
                BuilderStack.sources(),
                new InMemoryBuildStore())) {
      for (int i = 0; i < SAMPLES; i++) {
        String run = BuilderStack.RUN_RECIPE + "-" + i;
        Runnable viaBerth =
            () -> {
              try {
                Path repo = fixture("berth " + run);
                String url = git.create("bench-env-" + run, repo);
                long t0 = System.nanoTime();
                BuildHandle h = service.submit(SourceSpec.of(url, "main"));
                BuildBenchmark.await(h);
                berth.add(BuildBenchmark.ms(t0));
                stages(h, t0)
                    .forEach((k, v) -> stages.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
                for (BuildEvent e : h.events()) {
                  if (e instanceof BuildEvent.StepRan s && s.step().equals("environment")) {
                    BuildBenchmark.docker("rmi", s.detail().replaceFirst("^built ", ""));
                  }
                }
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            };
        Runnable viaDocker =
            () -> {
              try {
                Path ctx = fixture("docker " + run);
                Files.writeString(ctx.resolve("Dockerfile"), dockerfile(base, index.url()));
                String tag = registry + "/berth/bench/env-docker:" + run.toLowerCase();
                long t0 = System.nanoTime();
                BuildBenchmark.docker("build", "-q", "-t", tag, ctx.toString());
                docker.add(BuildBenchmark.ms(t0));
                BuildBenchmark.docker("push", "-q", tag);
                dockerPush.add(BuildBenchmark.ms(t0));
                BuildBenchmark.docker("rmi", tag);
                Path limitedCtx = fixture("docker limited " + run);
                Files.writeString(limitedCtx.resolve("Dockerfile"), dockerfile(base, index.url()));
                t0 = System.nanoTime();
                BuildBenchmark.docker(
                    "build",
                    "-q",
                    "--cpu-period",
                    "100000",
                    "--cpu-quota",
                    Long.toString(Math.round(limits.cpus() * 100000)),
                    "--memory",
                    Long.toString(limits.memoryBytes()),
                    "--memory-swap",
                    Long.toString(limits.memoryBytes()),
                    "--network",
                    limits.network(),
                    "-t",
                    tag,
                    limitedCtx.toString());
                dockerLimited.add(BuildBenchmark.ms(t0));
                BuildBenchmark.docker("rmi", tag);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            };
        if (i % 2 == 0) {
          viaBerth.run();
          viaDocker.run();
        } else {
          viaDocker.run();
          viaBerth.run();
        }
        System.out.printf(
            "sample %d: Berth %.0f ms, docker build %.0f ms (+ push %.0f ms), with Berth's build"
                + " limits %.0f ms%n",
            i + 1, last(berth), last(docker), last(dockerPush), last(dockerLimited));
      }
    }
    double b = median(berth);
    double d = median(docker);
    double dp = median(dockerPush);
    StringBuilder breakdown = new StringBuilder();
    stages.forEach((k, v) -> breakdown.append(String.format(" %s %.0f ms;", k, median(v))));
    System.out.printf(
        "cold environment build (apt.txt + requirements.txt), median of %d: Berth %.0f ms"
            + " (request to image in the registry) vs plain docker build of the equivalent"
            + " Dockerfile %.0f ms: ratio %.2f%n",
        SAMPLES, b, d, b / d);
    System.out.printf(
        "  for context: docker build + docker push to the same registry %.0f ms: ratio %.2f%n",
        dp, b / dp);
    double dl = median(dockerLimited);
    System.out.printf(
        "  docker build within Berth's build limits (%.2f CPUs, %d MiB, network %s) %.0f ms:"
            + " ratio %.2f%n",
        limits.cpus(), limits.memoryBytes() >> 20, limits.network(), dl, b / dl);
    System.out.println("  Berth's stages (median, up to the next phase):" + breakdown);
    System.exit(0);
  }

  /** The fixture's files, each environment file ending with a comment of its own. */
  private static Path fixture(String nonce) throws Exception {
    Path from = GitServer.fixtureDir("apt-requirements");
    Path to = Files.createTempDirectory("bench-env");
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
    for (String name : List.of("apt.txt", "requirements.txt")) {
      Files.writeString(
          to.resolve(name),
          Files.readString(to.resolve(name)) + "# " + nonce + "\n",
          java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
    }
    return to;
  }

  /** What a user would write for the same environment and content. */
  static String dockerfile(String base, String index) {
    return "FROM "
        + base
        + "\nUSER root\n"
        + "COPY apt.txt /tmp/apt.txt\n"
        + "RUN apt-get update -qq && sed -e 's/#.*//' /tmp/apt.txt"
        + " | xargs -r apt-get install -y -q --no-install-recommends"
        + " && apt-get clean && rm -rf /var/lib/apt/lists/*\n"
        + "COPY requirements.txt /tmp/requirements.txt\n"
        + "RUN python3 -m pip install --no-cache-dir --break-system-packages"
        + " --disable-pip-version-check --index-url "
        + index
        + " --trusted-host "
        + java.net.URI.create(index).getHost()
        + " -r /tmp/requirements.txt\n"
        + "COPY --chown=1000:100 . /home/jovyan/\n"
        + "USER 1000\n";
  }

  /** Time from the request to each phase change, by the phase it ended. */
  private static Map<String, Double> stages(BuildHandle h, long t0) {
    Map<String, Double> out = new LinkedHashMap<>();
    Instant start = Instant.now().minusNanos(System.nanoTime() - t0);
    Instant previous = start;
    String stage = "resolution";
    for (BuildEvent e : h.events()) {
      if (e instanceof BuildEvent.PhaseChanged p && p.phase() != BuildEvent.Phase.RESOLVING) {
        out.merge(stage, Duration.between(previous, p.at()).toNanos() / 1e6, Double::sum);
        previous = p.at();
        stage = p.phase().name().toLowerCase();
      }
    }
    return out;
  }

  private static double last(List<Double> values) {
    return values.get(values.size() - 1);
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    java.util.Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }

  private EnvironmentBenchmark() {}
}
