package org.berth.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.berth.builder.BuildEvent.StepRan;
import org.berth.builder.BuildException.Failure;
import org.berth.imagecache.registry.DistributionRegistryClient;
import org.berth.imagecache.testing.TestRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The builder end to end: fixture repositories served over git://, built by the real Docker engine
 * and content layers into the real registry, verified by running each fixture's verify script.
 */
class BuildServiceIT {
  @RegisterExtension static final TestRegistry REGISTRY = new TestRegistry();
  static GitServer git;
  static PackageIndex index;
  static InMemoryBuildStore store = new InMemoryBuildStore();
  static BuildService service;

  @BeforeAll
  static void start() {
    git = new GitServer();
    index = new PackageIndex(BuilderStack.buildNetworkGateway());
    service =
        BuilderStack.service(
            BuilderStack.config(REGISTRY).withPipIndexUrl(index.url()),
            BuilderStack.sources(),
            store);
  }

  @AfterAll
  static void stop() {
    service.close();
    index.close();
    git.close();
  }

  static BuiltImage build(String url) {
    return await(service.submit(SourceSpec.of(url, "main")));
  }

  static BuiltImage await(BuildHandle handle) {
    try {
      return handle.result().get(5, TimeUnit.MINUTES);
    } catch (Exception e) {
      throw new AssertionError("build failed: " + handle.events(), e);
    }
  }

  static BuildException failure(BuildHandle handle) {
    CompletionException e = assertThrows(CompletionException.class, () -> handle.result().join());
    return assertInstanceOf(BuildException.class, e.getCause());
  }

  static List<StepRan> steps(BuildHandle handle) {
    List<StepRan> steps = new ArrayList<>();
    for (BuildEvent e : handle.events()) {
      if (e instanceof StepRan s) {
        steps.add(s);
      }
    }
    return steps;
  }

  @Test
  void buildsDockerfileRepoWithBinderBuildArgs() {
    BuildHandle h = service.submit(SourceSpec.of(git.fromFixture("dockerfile"), "main"));
    BuiltImage image = await(h);
    assertEquals("dockerfile", image.strategy());
    assertTrue(Verify.inImage(image.ref()).contains("verified"));
    BuildRecord record = store.find(h.id()).orElseThrow();
    assertEquals(BuildRecord.Outcome.BUILT, record.outcome());
    assertEquals(image.digest(), record.digest());
    assertEquals(h.source().commit(), record.commit());
    assertFalse(record.log().isEmpty());
  }

  @Test
  void buildsAptAndPostBuildRepo() {
    BuildHandle h = service.submit(SourceSpec.of(git.fromFixture("apt-postbuild"), "main"));
    BuiltImage image = await(h);
    assertEquals("environment", image.strategy());
    assertTrue(steps(h).stream().anyMatch(s -> s.step().equals("post-build")), steps(h).toString());
    assertTrue(Verify.inImage(image.ref()).contains("verified"));
  }

  @Test
  void installsRequirementsFromTheConfiguredIndex() {
    BuiltImage image = build(git.fromFixture("requirements"));
    assertTrue(Verify.inImage(image.ref()).contains("verified"));
  }

  @Test
  void installsTheEnvironmentYmlPipSectionFromTheConfiguredIndex() {
    BuiltImage image = build(git.fromFixture("environment-yml"));
    assertTrue(Verify.inImage(image.ref()).contains("verified"));
  }

  @Test
  void failsQuicklySayingTheIndexIsUnreachable() {
    BuildService noIndex =
        BuilderStack.service(
            BuilderStack.config(REGISTRY)
                .withPipIndexUrl("http://" + BuilderStack.buildNetworkGateway() + ":9/simple"),
            BuilderStack.sources(),
            store);
    try (noIndex) {
      long t0 = System.nanoTime();
      BuildHandle h = noIndex.submit(SourceSpec.of(git.fromFixture("requirements"), "main"));
      BuildException e = failure(h);
      assertEquals(Failure.NETWORK, e.failure(), e.getMessage());
      assertEquals(
          "The package index http://"
              + BuilderStack.buildNetworkGateway()
              + ":9/simple could not be reached, so the Python"
              + " packages of requirements.txt could not be installed. Try again later; if it"
              + " keeps failing, ask your Berth administrator to check the package index"
              + " (berth.builder.pip-index-url).",
          e.getMessage());
      assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(60), "should fail fast");
      assertFalse(
          h.events().stream().anyMatch(ev -> ev instanceof BuildEvent.Progress),
          "fails before any engine step");
      assertEquals(BuildRecord.Outcome.FAILED, store.find(h.id()).orElseThrow().outcome());
    }
  }

  @Test
  void usesBinderDirAndIgnoresRootConfigAndAddsContentAsOneLayer() {
    BuildHandle h = service.submit(SourceSpec.of(git.fromFixture("binder-dir"), "main"));
    BuiltImage image = await(h);
    assertTrue(
        steps(h).stream().anyMatch(s -> s.step().equals("content-layer")), steps(h).toString());
    assertTrue(Verify.inImage(image.ref()).contains("verified"));
  }

  @Test
  void refusesRepoWithBothBinderAndDotBinder() {
    BuildException e =
        failure(service.submit(SourceSpec.of(git.fromFixture("both-binder"), "main")));
    assertEquals(Failure.RECIPE, e.failure());
    assertTrue(e.getMessage().contains("both binder/ and .binder/"), e.getMessage());
  }

  @Test
  void buildsDefaultEnvironmentForRepoWithNoConfig() {
    BuildHandle h = service.submit(SourceSpec.of(git.fromFixture("no-config"), "main"));
    BuiltImage image = await(h);
    assertEquals("environment", image.strategy());
    assertTrue(Verify.inImage(image.ref()).contains("verified"));
  }

  @Test
  void failsNamingTheBaseImageThatCannotBePulled() throws Exception {
    // A base image the class's registry does not have.
    String registry = REGISTRY.address();
    Path dir = Files.createTempDirectory("unpullable-base");
    Files.writeString(
        dir.resolve("Dockerfile"), "FROM " + registry + "/berth/does-not-exist:never\nRUN true\n");
    BuildHandle h = service.submit(SourceSpec.of(git.create("unpullable-base", dir), "main"));
    BuildException e = failure(h);
    assertEquals(Failure.NETWORK, e.failure(), e.getMessage());
    assertEquals(
        "The base image "
            + registry
            + "/berth/does-not-exist:never, named in the Dockerfile, could not be pulled: its"
            + " registry ("
            + registry
            + ") does not have it. Check the image's name and tag on the Dockerfile's FROM line.",
        e.getMessage());
    assertTrue(
        h.events().stream()
            .anyMatch(
                ev ->
                    ev instanceof BuildEvent.LogLine l
                        && l.line().startsWith("ERROR: ")
                        && l.line().contains("manifest")),
        "the log keeps the engine's own words");
    assertEquals(Optional.empty(), new DistributionRegistryClient().find(h.target()));
  }

  @Test
  void secondRequestForSameCommitStartsNoBuild() {
    String url = git.fromFixture("no-config");
    BuiltImage first = build(url);
    int started = service.buildsStarted();
    BuildHandle again = service.submit(SourceSpec.of(url, "main"));
    assertTrue(again.isDone());
    assertEquals(first.digest(), await(again).digest());
    assertEquals(started, service.buildsStarted());
    assertTrue(
        again.events().stream()
            .anyMatch(
                e ->
                    e instanceof BuildEvent.PhaseChanged p
                        && p.phase() == BuildEvent.Phase.CACHE_HIT));
  }

  @Test
  void twentyConcurrentIdenticalRequestsRunOneBuild() throws Exception {
    String url = git.fromFixture("no-config");
    BuildService own =
        BuilderStack.service(BuilderStack.config(REGISTRY), BuilderStack.sources(), store);
    ExecutorService pool = Executors.newFixedThreadPool(20);
    try (own) {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<BuiltImage>> results = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        results.add(
            pool.submit(
                () -> {
                  go.await();
                  return await(own.submit(SourceSpec.of(url, "main")));
                }));
      }
      go.countDown();
      List<BuiltImage> images = new ArrayList<>();
      for (Future<BuiltImage> f : results) {
        images.add(f.get(5, TimeUnit.MINUTES));
      }
      assertEquals(1, own.buildsStarted());
      assertEquals(20, images.size());
      assertTrue(images.stream().allMatch(i -> i.digest().equals(images.get(0).digest())));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void notebookOnlyCommitAddsOneLayerWithoutRerunningTheEnvironment() throws Exception {
    String url = git.fromFixture("binder-dir");
    BuildHandle first = service.submit(SourceSpec.of(url, "main"));
    BuiltImage one = await(first);
    git.commitFile(
        url,
        "index.ipynb",
        "{\"cells\": [], \"metadata\": {\"changed\": true}, \"nbformat\": 4, \"nbformat_minor\": 5}\n");
    BuildHandle second = service.submit(SourceSpec.of(url, "main"));
    BuiltImage two = await(second);
    assertNotEquals(one.ref(), two.ref());
    List<StepRan> steps = steps(second);
    assertTrue(
        steps.contains(
                steps.stream()
                    .filter(s -> s.step().equals("environment") && s.cached())
                    .findFirst()
                    .orElse(null))
            && steps.stream().anyMatch(s -> s.step().equals("environment") && s.cached()),
        steps.toString());
    assertFalse(
        steps.stream().anyMatch(s -> !s.cached() && !s.step().equals("content-layer")),
        steps.toString());
    assertTrue(Verify.shell(two.ref(), "cat /home/jovyan/index.ipynb").contains("changed"));
    Verify.run("docker", "rmi", two.ref().toString());
  }

  @Test
  void refusesUnsafeSourcesBeforeAnyGitOperation() {
    BuildService strict =
        BuilderStack.service(BuilderStack.config(REGISTRY), SourcePolicy.defaults(), store);
    try (strict) {
      for (String url :
          List.of(
              "file:///etc",
              "ext::sh -c id",
              "ftp://example.org/r",
              "git://127.0.0.1:1/r",
              "https://169.254.169.254/latest",
              "https://10.1.2.3/r")) {
        assertThrows(
            SourceRefusedException.class, () -> strict.submit(SourceSpec.of(url, "main")), url);
      }
    }
    String url = git.fromFixture("no-config");
    assertThrows(SourceRefusedException.class, () -> service.submit(SourceSpec.of(url, "-x")));
    UnknownRefException e =
        assertThrows(UnknownRefException.class, () -> service.submit(SourceSpec.of(url, "nope")));
    assertTrue(e.getMessage().contains(url));
  }

  @Test
  void failsRepoOverTheSizeLimit() {
    BuildService small =
        BuilderStack.service(
            BuilderStack.config(REGISTRY), BuilderStack.sources().withMaxRepoBytes(300), store);
    try (small) {
      BuildException e =
          failure(small.submit(SourceSpec.of(git.fromFixture("dockerfile"), "main")));
      assertEquals(Failure.GIT, e.failure());
      assertTrue(e.getMessage().contains("larger than the limit"), e.getMessage());
    }
  }

  @Test
  void stopsBuildOverTheTimeLimitAndRecordsNoImage() throws Exception {
    Path dir = Files.createTempDirectory("slow");
    Files.writeString(
        dir.resolve("Dockerfile"), "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nRUN sleep 60\n");
    String url = git.create("slow-" + System.nanoTime(), dir);
    BuildService quick =
        BuilderStack.service(
            BuilderStack.config(REGISTRY).withBuildTimeout(Duration.ofSeconds(4)),
            BuilderStack.sources(),
            store);
    try (quick) {
      long t0 = System.nanoTime();
      BuildHandle h = quick.submit(SourceSpec.of(url, "main"));
      BuildException e = failure(h);
      assertEquals(Failure.TIMEOUT, e.failure(), e.getMessage());
      assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(30));
      assertEquals(BuildRecord.Outcome.FAILED, store.find(h.id()).orElseThrow().outcome());
      assertEquals(Optional.empty(), new DistributionRegistryClient().find(h.target()));
    }
  }

  @Test
  void cancelsARunningBuild() throws Exception {
    Path dir = Files.createTempDirectory("slow");
    Files.writeString(
        dir.resolve("Dockerfile"), "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nRUN sleep 61\n");
    String url = git.create("cancel-" + System.nanoTime(), dir);
    BuildHandle h = service.submit(SourceSpec.of(url, "main"));
    while (h.events().stream()
        .noneMatch(
            e ->
                e instanceof BuildEvent.PhaseChanged p && p.phase() == BuildEvent.Phase.BUILDING)) {
      Thread.onSpinWait();
    }
    h.cancel();
    BuildException e = failure(h);
    assertEquals(Failure.CANCELLED, e.failure(), e.getMessage());
    assertEquals(BuildRecord.Outcome.CANCELLED, store.find(h.id()).orElseThrow().outcome());
  }

  @Test
  void queuedBuildSeesItsPositionAndSubscribersGetReplayedEvents() throws Exception {
    Path dir = Files.createTempDirectory("slow");
    Files.writeString(
        dir.resolve("Dockerfile"), "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nRUN sleep 3\n");
    BuilderConfig one =
        new BuilderConfig(
            BuilderStack.config(REGISTRY).registry(),
            BuilderStack.config(REGISTRY).jupyterBaseImage(),
            BuilderStack.RUN_RECIPE,
            null,
            null,
            1,
            Duration.ofMinutes(2));
    try (BuildService single = BuilderStack.service(one, BuilderStack.sources(), store)) {
      BuildHandle a =
          single.submit(SourceSpec.of(git.create("qa-" + System.nanoTime(), dir), "main"));
      BuildHandle b = single.submit(SourceSpec.of(git.fromFixture("no-config"), "main"));
      assertTrue(
          b.events().stream()
              .anyMatch(e -> e instanceof BuildEvent.QueuePosition q && q.position() >= 1),
          b.events().toString());
      BuildHandle c = single.submit(SourceSpec.of(git.fromFixture("no-config"), "main"));
      c.cancel();
      assertEquals(Failure.CANCELLED, failure(c).failure());
      assertFalse(a.isDone(), "a queued build is cancelled at once, not when a slot frees up");
      await(a);
      await(b);
      List<BuildEvent> replayed = new ArrayList<>();
      b.subscribe(replayed::add).close();
      assertEquals(b.events(), replayed);
      assertInstanceOf(BuildEvent.Finished.class, replayed.get(replayed.size() - 1));
    }
  }
}
