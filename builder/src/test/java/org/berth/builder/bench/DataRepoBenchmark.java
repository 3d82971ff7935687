package org.berth.builder.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.berth.builder.BuildEvent;
import org.berth.builder.BuildHandle;
import org.berth.builder.BuildService;
import org.berth.builder.BuilderConfig;
import org.berth.builder.BuilderStack;
import org.berth.builder.GitServer;
import org.berth.builder.InMemoryBuildStore;
import org.berth.builder.RegistryRecorder;
import org.berth.builder.SourcePolicy;
import org.berth.builder.SourceSpec;
import org.berth.builder.TestEnv;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.StoredConfig;

/**
 * Issue #18's figures on a repository of 20 data files of 10 MB each plus a notebook (a program,
 * not a test). Run from builder/ with the stack's environment exported:
 *
 * <pre>
 * java -cp target/classes:target/test-classes:$(cat target/cp.txt) org.berth.builder.bench.DataRepoBenchmark
 * </pre>
 *
 * It prints, in one run: the first build (Berth vs {@code docker build} + {@code docker push} of
 * the same files onto the same environment image); a notebook-only commit (Berth vs a warm {@code
 * docker build} that copies the checkout onto that image, the median of {@code -Dsamples} after
 * {@code -Dwarmup} Berth builds); and the bytes that commit uploaded, as Berth counts them and as
 * the registry saw them through a recording front.
 *
 * <p>The data files are made from {@code -Dseed} (default: the time, printed, so that the first
 * build really is a first one; give the printed seed to make the same files again). Their bytes are
 * pseudo-random, like the compressed formats research data usually comes in. The benchmark's git
 * server stores its pack uncompressed (made once, before anything is timed), as a real server
 * serves packs it built earlier; compressing 200 MB of random bytes in the test server would
 * otherwise be counted against Berth's fetch.
 */
public final class DataRepoBenchmark {
  private static final int FILES = Integer.getInteger("files", 20);
  private static final int FILE_MB = Integer.getInteger("fileMb", 10);
  private static final int WARMUP = Integer.getInteger("warmup", 10);
  private static final int SAMPLES = Integer.getInteger("samples", 9);
  private static final Pattern UPLOADED = Pattern.compile("\\((\\d+) bytes\\)");

  /** Makes this run's files, notebooks included, its own. */
  private static long seed;

  public static void main(String[] args) throws Exception {
    seed = Long.getLong("seed", System.currentTimeMillis());
    String base = TestEnv.require("BERTH_JUPYTER_BASE_IMAGE");
    String registry = TestEnv.require("BERTH_REGISTRY");
    Path dir = Files.createTempDirectory("bench-data-repo");
    System.out.printf(
        "repository: %d data files of %d MB (seed %d) and a notebook%n", FILES, FILE_MB, seed);
    generate(dir, seed);
    Files.writeString(
        dir.resolve("Dockerfile"), "FROM " + base + "\nCOPY --chown=1000:100 . /home/jovyan/\n");
    Files.writeString(dir.resolve(".dockerignore"), "Dockerfile\n.dockerignore\n");

    BuilderConfig config = BuilderStack.config(TestEnv.require("BERTH_REGISTRY"), base);
    // Mirrors of their own, deleted at the end: 200 MB each, not for the shared cache.
    Path mirrors = Files.createTempDirectory("bench-data-mirrors");
    SourcePolicy sources = BuilderStack.sources().withCache(mirrors, 1L << 33);
    try (GitServer git = new GitServer();
        RegistryRecorder recorder = new RegistryRecorder(registry);
        BuildService berth = BuilderStack.service(config, sources, new InMemoryBuildStore());
        BuildService recorded =
            BuilderStack.service(
                recordedConfig(config, recorder), sources, new InMemoryBuildStore())) {
      Path files = copyWithoutDocker(dir);
      String url = git.create("data-" + seed, files);
      org.berth.builder.source.GitRepoProvider.clear(files);
      storeUncompressed(git.git(url));

      // 1. the first build: Berth from git, docker from the checkout, both pushed
      long t0 = System.nanoTime();
      BuildHandle first = berth.submit(SourceSpec.of(url, "main"));
      await(first);
      double berthFirst = ms(t0);
      Map<String, Double> firstStages = stages(first);
      String dockerImage = registry + "/berth/bench/data-docker:first-" + seed;
      long t1 = System.nanoTime();
      docker("build", "--no-cache", "-q", "-t", dockerImage, dir.toString());
      double dockerBuild = ms(t1);
      docker("push", "-q", dockerImage);
      double dockerFirst = ms(t1);
      System.out.printf(
          "first build: Berth %.0f ms (%s; %s) vs docker build + docker push %.0f ms (build %.0f ms):"
              + " ratio %.2f%n",
          berthFirst,
          breakdown(firstStages),
          step(first),
          dockerFirst,
          dockerBuild,
          berthFirst / dockerFirst);

      // 2. notebook-only commits: Berth (warmed up) vs a warm docker build of the checkout
      int n = 0;
      for (; n < WARMUP; n++) {
        git.commitFile(url, "index.ipynb", notebook(n));
        await(berth.submit(SourceSpec.of(url, "main")));
      }
      List<Double> berthTimes = new ArrayList<>();
      List<Double> berthBytes = new ArrayList<>();
      Map<String, List<Double>> stages = new LinkedHashMap<>();
      for (int i = 0; i < SAMPLES; i++, n++) {
        git.commitFile(url, "index.ipynb", notebook(n));
        long t = System.nanoTime();
        BuildHandle h = berth.submit(SourceSpec.of(url, "main"));
        await(h);
        berthTimes.add(ms(t));
        stages(h).forEach((k, v) -> stages.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
        berthBytes.add((double) uploaded(h));
      }
      docker("build", "-q", "-t", "berth-bench-data:warm", dir.toString()); // warm the cache
      List<Double> dockerTimes = new ArrayList<>();
      for (int i = 0; i < SAMPLES; i++) {
        Files.writeString(dir.resolve("index.ipynb"), notebook(1000 + i));
        long t = System.nanoTime();
        docker("build", "-q", "-t", "berth-bench-data:warm", dir.toString());
        dockerTimes.add(ms(t));
      }
      double berthNotebook = median(berthTimes);
      double dockerWarm = median(dockerTimes);
      Map<String, Double> medians = new LinkedHashMap<>();
      stages.forEach((k, v) -> medians.put(k, median(v)));
      System.out.printf(
          "notebook-only commit, median of %d after %d builds: Berth %.0f ms (%s) vs warm docker"
              + " build (copies the checkout, no push) %.0f ms: ratio %.3f (goal <= 0.05 and < 300"
              + " ms)%n",
          SAMPLES,
          WARMUP,
          berthNotebook,
          breakdown(medians),
          dockerWarm,
          berthNotebook / dockerWarm);

      // 3. bytes that commit uploads: Berth's count, and the registry's through a recording front
      git.commitFile(url, "index.ipynb", notebook(n++));
      recorder.clear();
      BuildHandle seen = recorded.submit(SourceSpec.of(url, "main"));
      await(seen);
      System.out.printf(
          "notebook-only commit uploads: %.0f bytes (median, Berth's count); the registry received"
              + " %d bytes of blob uploads for another one (%s)%n",
          median(berthBytes), recorder.uploadedBytes(), step(seen));

      docker("rmi", dockerImage, "berth-bench-data:warm");
    } finally {
      org.berth.builder.source.GitRepoProvider.clear(dir);
      org.berth.builder.source.GitRepoProvider.clear(mirrors);
    }
    System.exit(0);
  }

  /** The same builder, but speaking to the registry through the recorder. */
  private static BuilderConfig recordedConfig(BuilderConfig config, RegistryRecorder recorder) {
    String base = config.jupyterBaseImage();
    return new BuilderConfig(
        recorder.address(),
        recorder.address() + base.substring(base.indexOf('/')),
        config.recipeVersion(),
        config.pipIndexUrl(),
        config.buildpacksBuilder(),
        config.maxConcurrentBuilds(),
        config.buildTimeout());
  }

  private static void generate(Path dir, long seed) throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    byte[] bytes = new byte[FILE_MB * 1024 * 1024];
    for (int i = 0; i < FILES; i++) {
      new Random(seed * 31 + i).nextBytes(bytes);
      Files.write(data.resolve(String.format("part-%02d.bin", i)), bytes);
    }
    Files.writeString(dir.resolve("index.ipynb"), notebook(-1));
  }

  /** The repository's files: the checkout without the Docker files of the comparison. */
  private static Path copyWithoutDocker(Path dir) throws Exception {
    Path copy = Files.createTempDirectory("bench-data-git");
    Files.createDirectories(copy.resolve("data"));
    try (var files = Files.list(dir.resolve("data"))) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.createLink(copy.resolve("data").resolve(f.getFileName()), f);
      }
    }
    Files.copy(dir.resolve("index.ipynb"), copy.resolve("index.ipynb"));
    return copy;
  }

  /** Repacks the served repository with level-0 compression, before anything is timed. */
  private static void storeUncompressed(Git git) throws Exception {
    StoredConfig c = git.getRepository().getConfig();
    c.setInt("core", null, "compression", 0);
    c.setInt("pack", null, "compression", 0);
    c.save();
    git.gc().setAggressive(false).call();
  }

  private static String notebook(int version) {
    return "{\"cells\": [], \"metadata\": {\"run\": "
        + seed
        + ", \"v\": "
        + version
        + "}, \"nbformat\": 4, \"nbformat_minor\": 5}\n";
  }

  /** Time from each phase to the next, from the build's own events. */
  private static Map<String, Double> stages(BuildHandle h) {
    Map<String, Double> out = new LinkedHashMap<>();
    Instant previous = null;
    String stage = null;
    for (BuildEvent e : h.events()) {
      if (e instanceof BuildEvent.PhaseChanged p) {
        if (previous != null) {
          out.merge(stage, Duration.between(previous, p.at()).toNanos() / 1e6, Double::sum);
        }
        previous = p.at();
        stage = p.phase().name().toLowerCase();
      }
    }
    return out;
  }

  private static String breakdown(Map<String, Double> stages) {
    StringBuilder b = new StringBuilder();
    stages.forEach(
        (stage, ms) -> {
          if (!stage.equals("built") && !stage.equals("resolving")) {
            b.append(b.length() == 0 ? "" : ", ").append(String.format("%s %.0f ms", stage, ms));
          }
        });
    return b.toString();
  }

  private static String step(BuildHandle h) {
    return h.events().stream()
        .filter(e -> e instanceof BuildEvent.StepRan s && s.step().equals("content-layer"))
        .map(e -> ((BuildEvent.StepRan) e).detail())
        .findFirst()
        .orElse("no content-layer step");
  }

  private static long uploaded(BuildHandle h) {
    Matcher m = UPLOADED.matcher(step(h));
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }

  private static void await(BuildHandle h) throws Exception {
    BuildBenchmark.await(h);
  }

  private static double ms(long start) {
    return BuildBenchmark.ms(start);
  }

  private static void docker(String... args) throws Exception {
    BuildBenchmark.docker(args);
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    java.util.Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }

  private DataRepoBenchmark() {}
}
