package org.berth.builder.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
  public static void main(String[] args) throws Exception {
    String base = TestEnv.require("BERTH_JUPYTER_BASE_IMAGE");
    try (GitServer git = new GitServer();
        BuildService service =
            BuilderStack.service(
                BuilderStack.config(), BuilderStack.sources(), new InMemoryBuildStore())) {
      // 1. notebook-only commit: Berth vs docker build with a warm layer cache
      String url = git.fromFixture("binder-dir");
      await(service.submit(SourceSpec.of(url, "main")));
      // Five notebook-only commits; the median, and where the time of the last one went.
      List<Double> berthTimes = new ArrayList<>();
      BuildHandle h = null;
      java.time.Instant requested = null;
      for (int i = 0; i < 5; i++) {
        git.commitFile(
            url,
            "index.ipynb",
            "{\"cells\": [], \"metadata\": {\"v\": "
                + (i + 2)
                + "}, \"nbformat\": 4, \"nbformat_minor\": 5}\n");
        requested = java.time.Instant.now();
        long t0 = System.nanoTime();
        h = service.submit(SourceSpec.of(url, "main"));
        await(h);
        berthTimes.add(ms(t0));
      }
      double berth = median(berthTimes);
      java.time.Instant first = requested;
      StringBuilder timeline = new StringBuilder();
      for (BuildEvent e : h.events()) {
        if (e instanceof BuildEvent.PhaseChanged p) {
          timeline.append(
              String.format(
                  " %s@%dms",
                  p.phase().name().toLowerCase(),
                  java.time.Duration.between(first, p.at()).toMillis()));
        } else if (e instanceof BuildEvent.StepRan r) {
          timeline.append(
              String.format(
                  " %s%s@%dms",
                  r.step(),
                  r.cached() ? "(cached)" : "",
                  java.time.Duration.between(first, r.at()).toMillis()));
        }
      }
      System.out.println(
          "notebook-only commit, last build's timeline from the request:" + timeline);

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
      for (int i = 0; i < 5; i++) {
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
      System.out.printf(
          "notebook-only commit, median of 5: Berth %.0f ms (resolve+fetch+layer+push) vs docker build (warm cache, no push) %.0f ms: ratio %.2f%n",
          berth, dockerBuild, berth / dockerBuild);
      System.out.printf(
          "  for context: docker build + docker push to the same registry %.0f ms: ratio %.2f%n",
          dockerBuildPush, berth / dockerBuildPush);

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
