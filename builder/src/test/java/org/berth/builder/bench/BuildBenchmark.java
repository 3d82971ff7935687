package org.berth.builder.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.berth.builder.BuildEvent;
import org.berth.builder.BuildHandle;
import org.berth.builder.BuildService;
import org.berth.builder.BuilderStack;
import org.berth.builder.BuiltImage;
import org.berth.builder.GitServer;
import org.berth.builder.InMemoryBuildStore;
import org.berth.builder.ResolvedSource;
import org.berth.builder.SourceSpec;
import org.berth.builder.TestEnv;

/**
 * Prints the figures (a program, not a test). Run from builder/ with the stack's
 * environment exported:
 *
 * <pre>
 * java -cp target/classes:target/test-classes:$(cat target/cp.txt) org.berth.builder.bench.BuildBenchmark
 * </pre>
 */
public final class BuildBenchmark {
  private static final int WARMUP = Integer.getInteger("warmup", 10);
  private static final int SAMPLES = Integer.getInteger("samples", 9);
  private static final int WARM = Integer.getInteger("warm", 100);

  /** Times of SAMPLES notebook-only builds made after {@code after} builds of the repository. */
  record Sample(int after, int next, List<Double> times, Map<String, List<Double>> stages) {
    double median() {
      return BuildBenchmark.median(times);
    }

    String breakdown() {
      StringBuilder b = new StringBuilder();
      stages.forEach(
          (stage, t) -> b.append(String.format(" %s→ %.0f ms;", stage, BuildBenchmark.median(t))));
      return b.toString();
    }
  }

  /** Builds notebook-only commits from build {@code n} on until {@code after}, then samples. */
  private static Sample sample(GitServer git, BuildService service, String url, int n, int after)
      throws Exception {
    for (; n < after; n++) {
      git.commitFile(url, "index.ipynb", notebook(n));
      await(service.submit(SourceSpec.of(url, "main")));
    }
    List<Double> times = new ArrayList<>();
    Map<String, List<Double>> stages = new LinkedHashMap<>();
    for (int i = 0; i < SAMPLES; i++, n++) {
      git.commitFile(url, "index.ipynb", notebook(n));
      java.time.Instant requested = java.time.Instant.now();
      long t0 = System.nanoTime();
      BuildHandle h = service.submit(SourceSpec.of(url, "main"));
      await(h);
      times.add(ms(t0));
      java.time.Instant previous = requested;
      String stage = "resolution";
      for (BuildEvent e : h.events()) {
        if (e instanceof BuildEvent.PhaseChanged p && p.phase() != BuildEvent.Phase.RESOLVING) {
          stages
              .computeIfAbsent(stage, k -> new ArrayList<>())
              .add(java.time.Duration.between(previous, p.at()).toNanos() / 1e6);
          previous = p.at();
          stage = p.phase().name().toLowerCase();
        }
      }
    }
    return new Sample(after, n, times, stages);
  }

  public static void main(String[] args) throws Exception {
    String base = TestEnv.require("BERTH_JUPYTER_BASE_IMAGE");
    try (GitServer git = new GitServer();
        BuildService service =
            BuilderStack.service(
                BuilderStack.config(TestEnv.require("BERTH_REGISTRY"), base),
                BuilderStack.sources(),
                new InMemoryBuildStore())) {
      // 1. notebook-only commit: Berth vs docker build with a warm layer cache
      String url = git.fromFixture("binder-dir");
      await(service.submit(SourceSpec.of(url, "main")));
      // Notebook-only commits: SAMPLES after WARMUP builds (a JVM that has built little), then
      // SAMPLES again once WARM builds in all have run (a Berth server is long-running, and the
      // JIT compiler needs on the order of a hundred builds to compile the build path).
      Sample early = sample(git, service, url, 0, WARMUP);
      Sample warm = sample(git, service, url, early.next(), WARM);
      System.out.println(
          "notebook-only commit, median time of each stage (up to the next phase), after "
              + WARM
              + " builds:"
              + warm.breakdown());

      Path ctx = Files.createTempDirectory("bench-docker");
      Files.writeString(ctx.resolve("apt.txt"), "tree\n");
      Files.writeString(
          ctx.resolve("Dockerfile"),
          "FROM "
              + base
              + "\nUSER root\nCOPY apt.txt /tmp/apt.txt\n"
              + "RUN apt-get update -qq && xargs -r apt-get install -y -q --no-install-recommends < /tmp/apt.txt && rm -rf /var/lib/apt/lists/*\n"
              + "COPY --chown=1000:100 . /home/jovyan/\nUSER 1000\n");
      Files.writeString(ctx.resolve("index.ipynb"), "{\"v\": 1}");
      docker("build", "-q", "-t", "berth-bench:warm", ctx.toString());
      // The same with the push Berth also does (into the same registry), for context.
      String pushed = TestEnv.require("BERTH_REGISTRY") + "/berth/bench/docker-build:warm";
      List<Double> dockerTimes = new ArrayList<>();
      List<Double> dockerPushTimes = new ArrayList<>();
      for (int i = 0; i < SAMPLES; i++) {
        Files.writeString(ctx.resolve("index.ipynb"), "{\"v\": " + System.nanoTime() + "}");
        long t1 = System.nanoTime();
        docker("build", "-q", "-t", "berth-bench:warm", "-t", pushed, ctx.toString());
        dockerTimes.add(ms(t1));
        docker("push", "-q", pushed);
        dockerPushTimes.add(ms(t1));
      }
      double dockerBuild = median(dockerTimes);
      double dockerBuildPush = median(dockerPushTimes);
      docker("rmi", "berth-bench:warm", pushed);
      for (Sample m : List.of(early, warm)) {
        System.out.printf(
            "notebook-only commit, median of %d after %d builds: Berth %.0f ms (resolve+fetch+layer+push) vs docker build (warm cache, no push) %.0f ms: ratio %.2f%n",
            SAMPLES, m.after(), m.median(), dockerBuild, m.median() / dockerBuild);
      }
      System.out.printf(
          "  for context: docker build + docker push to the same registry %.0f ms: ratio %.2f%n",
          dockerBuildPush, warm.median() / dockerBuildPush);

      // 2. cache hit: request to "image exists", and the part after ref resolution
      long t2 = System.nanoTime();
      ResolvedSource resolved = service.resolve(SourceSpec.of(url, "main"));
      double resolve = ms(t2);
      long t3 = System.nanoTime();
      BuildHandle hit = service.submit(SourceSpec.of(url, "main"));
      double total = ms(t3);
      System.out.printf(
          "cache hit: %.0f ms request to image exists (ref resolution alone %.0f ms, so about %.0f ms after it); done=%s commit=%s%n",
          total, resolve, total - resolve, hit.isDone(), resolved.commit().substring(0, 12));

      // 3. 20 concurrent identical requests vs one build
      String one = git.fromFixture("no-config");
      long t4 = System.nanoTime();
      await(service.submit(SourceSpec.of(one, "main")));
      double single = ms(t4);
      String twenty = git.fromFixture("no-config");
      int before = service.buildsStarted();
      ExecutorService pool = Executors.newFixedThreadPool(20);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<BuiltImage>> all = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        all.add(
            pool.submit(
                () -> {
                  go.await();
                  return await(service.submit(SourceSpec.of(twenty, "main")));
                }));
      }
      long t5 = System.nanoTime();
      go.countDown();
      for (Future<BuiltImage> f : all) {
        f.get(5, TimeUnit.MINUTES);
      }
      double concurrent = ms(t5);
      pool.shutdown();
      System.out.printf(
          "20 concurrent identical requests: builds started %d, total %.0f ms vs one build %.0f ms%n",
          service.buildsStarted() - before, concurrent, single);
    }
    System.exit(0);
  }

  private static String notebook(int version) {
    return "{\"cells\": [], \"metadata\": {\"v\": "
        + (version + 2)
        + "}, \"nbformat\": 4, \"nbformat_minor\": 5}\n";
  }

  static BuiltImage await(BuildHandle h) throws Exception {
    return h.result().get(5, TimeUnit.MINUTES);
  }

  static double ms(long start) {
    return (System.nanoTime() - start) / 1e6;
  }

  static void docker(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("docker"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + ": " + out);
    }
  }

  private BuildBenchmark() {}

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    java.util.Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
