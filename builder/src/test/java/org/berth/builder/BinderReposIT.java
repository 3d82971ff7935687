package org.berth.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
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
 * Binder repositories as repo2docker builds them: R (runtime.txt + install.R, DESCRIPTION) from a
 * CRAN-like repository the test serves, Pipfile and Pipfile.lock from the test's package index, and
 * the config files Berth cannot build refused by name before any engine step. Failures are asserted
 * word for word, as the build page, the API and the BinderHub stream show them.
 */
class BinderReposIT {
  @RegisterExtension static final TestRegistry REGISTRY = new TestRegistry();
  static GitServer git;
  static PackageIndex index;
  static CranRepository cran;
  static InMemoryBuildStore store = new InMemoryBuildStore();
  static BuildService service;

  @BeforeAll
  static void start() {
    git = new GitServer();
    index = new PackageIndex(BuilderStack.buildNetworkGateway());
    cran = new CranRepository(BuilderStack.buildNetworkGateway());
    service =
        BuilderStack.service(
            BuilderStack.config(REGISTRY)
                .withPipIndexUrl(index.url())
                .withCran(cran.url(), cran.snapshotUrl()),
            BuilderStack.sources(),
            store);
  }

  @AfterAll
  static void stop() {
    service.close();
    cran.close();
    index.close();
    git.close();
  }

  static BuildService serviceWith(BuilderConfig config) {
    return BuilderStack.service(config, BuilderStack.sources(), store);
  }

  /** The Finished event's message: what the build page, the API and BinderHub's stream say. */
  static String summary(BuildHandle h) {
    BuildException e = BuildServiceIT.failure(h);
    BuildEvent last = h.events().get(h.events().size() - 1);
    assertEquals(e.getMessage(), ((BuildEvent.Finished) last).message());
    assertEquals(e.getMessage(), store.find(h.id()).orElseThrow().message());
    return e.getMessage();
  }

  static boolean engineStepRan(BuildHandle h) {
    return h.events().stream()
        .anyMatch(
            e ->
                e instanceof BuildEvent.Progress
                    || e instanceof StepRan
                    || e instanceof BuildEvent.LogLine l && l.line().startsWith("Step "));
  }

  static String log(BuildHandle h) {
    StringBuilder b = new StringBuilder();
    h.events().stream()
        .filter(e -> e instanceof BuildEvent.LogLine)
        .forEach(e -> b.append(((BuildEvent.LogLine) e).line()).append('\n'));
    return b.toString();
  }

  @Test
  void buildsRFromRuntimeTxtAndInstallRWithTheDatedCranSnapshotAndSaysTheRVersionDiffers()
      throws Exception {
    String url = git.fromFixture("r-runtime");
    BuildHandle h = service.submit(SourceSpec.of(url, "main"));
    BuiltImage image = BuildServiceIT.await(h);
    assertEquals("environment", image.strategy());
    assertTrue(
        cran.requests().contains("/snapshot/2024-01-10/src/contrib/berthr_0.1.tar.gz"),
        cran.requests().toString());
    String note =
        "runtime.txt asks for R 4.3.2, but Berth installs R from Debian's packages: this"
            + " environment has R ";
    assertTrue(
        BuildServiceIT.steps(h).stream()
            .anyMatch(s -> s.step().equals("r") && s.detail().startsWith(note)),
        BuildServiceIT.steps(h).toString());
    assertTrue(log(h).contains("Note: " + note), log(h));
    assertTrue(Verify.shell(image.ref(), "cd /home/jovyan && sh ./verify").contains("verified"));

    // A notebook-only commit reuses the environment and still says which R it has.
    git.commitFile(url, "more.ipynb", "{\"cells\": [], \"nbformat\": 4, \"nbformat_minor\": 5}\n");
    BuildHandle again = service.submit(SourceSpec.of(url, "main"));
    BuiltImage second = BuildServiceIT.await(again);
    assertTrue(
        BuildServiceIT.steps(again).stream()
            .anyMatch(s -> s.step().equals("environment") && s.cached()),
        BuildServiceIT.steps(again).toString());
    assertTrue(log(again).contains("Note: " + note), log(again));
    Verify.run("docker", "rmi", image.ref().toString(), second.ref().toString());
  }

  @Test
  void buildsAnRPackageRepositoryWithItsDescriptionDependenciesFromCran() {
    BuiltImage image =
        BuildServiceIT.await(
            service.submit(SourceSpec.of(git.fromFixture("r-description"), "main")));
    assertTrue(Verify.inImage(image.ref()).contains("verified"));
  }

  @Test
  void failsQuicklySayingCranIsUnreachableBeforeAnyEngineStep() {
    try (BuildService noCran =
        serviceWith(
            BuilderStack.config(REGISTRY)
                .withPipIndexUrl(index.url())
                .withCran("http://172.17.0.1:9", null))) {
      long t0 = System.nanoTime();
      BuildHandle h = noCran.submit(SourceSpec.of(git.fromFixture("r-runtime"), "main"));
      assertEquals(
          "CRAN could not be reached at http://172.17.0.1:9, so the R packages of install.R could"
              + " not be installed. Try again later; if it keeps failing, ask your Berth"
              + " administrator to check the CRAN mirror (berth.builder.cran-url).",
          summary(h));
      assertEquals(Failure.NETWORK, BuildServiceIT.failure(h).failure());
      assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(60), "should fail fast");
      assertFalse(engineStepRan(h), h.events().toString());
      assertTrue(log(h).contains("checked http://172.17.0.1:9/src/contrib/PACKAGES"), log(h));
    }
  }

  @Test
  void failsSayingTheCranSnapshotOfThatDateIsMissing() {
    String missing = cran.url() + "/no-snapshots/{date}";
    try (BuildService noSnapshot =
        serviceWith(BuilderStack.config(REGISTRY).withCran(cran.url(), missing))) {
      BuildHandle h = noSnapshot.submit(SourceSpec.of(git.fromFixture("r-runtime"), "main"));
      assertEquals(
          "The CRAN snapshot of 2024-01-10 was not found at "
              + cran.url()
              + "/no-snapshots/2024-01-10, so the R packages of install.R could not be installed."
              + " Choose another date in runtime.txt, or ask your Berth administrator to check the"
              + " CRAN snapshot address (berth.builder.cran-snapshot-url).",
          summary(h));
      assertFalse(engineStepRan(h), h.events().toString());
    }
  }

  @Test
  void failsNamingTheRPackagesInstallRCouldNotInstall() throws Exception {
    Path dir = Files.createTempDirectory("r-missing");
    Files.writeString(dir.resolve("runtime.txt"), "r-2024-01-10\n");
    Files.writeString(
        dir.resolve("install.R"), "install.packages(c(\"berthr\", \"nosuchpackage\"))\n");
    BuildHandle h =
        service.submit(SourceSpec.of(git.create("r-missing-" + System.nanoTime(), dir), "main"));
    assertEquals(
        "install.R asks for R packages that could not be installed from CRAN ("
            + cran.url()
            + "/snapshot/2024-01-10): nosuchpackage. Check their names; the build log shows R's"
            + " messages.",
        summary(h),
        log(h));
    assertEquals(Failure.RECIPE, BuildServiceIT.failure(h).failure());
    assertTrue(log(h).contains("nosuchpackage"), "the log keeps R's own words");
    assertEquals(Optional.empty(), new DistributionRegistryClient().find(h.target()));
  }

  @Test
  void installsPipfileWithPipenvFromTheConfiguredIndexIgnoringRequirementsTxt() {
    BuildHandle h = service.submit(SourceSpec.of(git.fromFixture("pipfile"), "main"));
    BuiltImage image = BuildServiceIT.await(h);
    assertTrue(
        log(h)
            .contains(
                "requirements.txt is not used: the Pipfile describes the Python environment (as"
                    + " in repo2docker)"),
        log(h));
    assertTrue(Verify.inImage(image.ref()).contains("verified"));
  }

  @Test
  void installsPipfileLockWithItsHashesFromTheConfiguredIndex() {
    BuiltImage image =
        BuildServiceIT.await(
            service.submit(SourceSpec.of(git.fromFixture("pipfile-lock"), "main")));
    assertTrue(Verify.inImage(image.ref()).contains("verified"));
  }

  @Test
  void failsSayingThePipfilePackageIsNotInTheIndex() throws Exception {
    Path dir = Files.createTempDirectory("pipfile-missing");
    Files.writeString(
        dir.resolve("Pipfile"), "[packages]\nberthwheel = \"==0.1\"\nnosuchwheel = \"*\"\n");
    BuildHandle h =
        service.submit(
            SourceSpec.of(git.create("pipfile-missing-" + System.nanoTime(), dir), "main"));
    assertEquals(
        "Pipfile asks for nosuchwheel, which the package index "
            + index.url()
            + " does not have. Check the names and versions in Pipfile.",
        summary(h),
        log(h));
  }

  @Test
  void refusesJuliaByNameBeforeAnyEngineStep() {
    BuildHandle h = service.submit(SourceSpec.of(git.fromFixture("julia-project"), "main"));
    assertEquals(
        "Project.toml asks for a Julia environment, which Berth cannot build: Julia is not among"
            + " the Debian packages Berth builds from. Berth builds environments from apt.txt,"
            + " requirements.txt, environment.yml (pip packages), Pipfile, runtime.txt with"
            + " install.R or DESCRIPTION (R), postBuild and a Dockerfile; describe the environment"
            + " with those to run this repository here.",
        summary(h));
    assertEquals(Failure.RECIPE, BuildServiceIT.failure(h).failure());
    assertFalse(engineStepRan(h), h.events().toString());
    assertFalse(
        h.events().stream()
            .anyMatch(
                e ->
                    e instanceof BuildEvent.PhaseChanged p
                        && p.phase() == BuildEvent.Phase.BUILDING),
        "no default environment is built in its place");
  }

  @Test
  void refusesNixByNameBeforeAnyEngineStep() {
    BuildHandle h = service.submit(SourceSpec.of(git.fromFixture("nix"), "main"));
    assertEquals(
        "default.nix asks for a Nix environment, which Berth cannot build: no Nix channel can be"
            + " reached from its build machines. Berth builds environments from apt.txt,"
            + " requirements.txt, environment.yml (pip packages), Pipfile, runtime.txt with"
            + " install.R or DESCRIPTION (R), postBuild and a Dockerfile; describe the environment"
            + " with those to run this repository here.",
        summary(h));
    assertFalse(engineStepRan(h), h.events().toString());
  }

  @Test
  void condaPackagesAreRefusedByNameBeforeAnyEngineStep() throws Exception {
    Path dir = Files.createTempDirectory("conda");
    Files.writeString(
        dir.resolve("environment.yml"), "dependencies:\n  - python=3.11\n  - numpy\n  - scipy\n");
    BuildHandle h =
        service.submit(SourceSpec.of(git.create("conda-" + System.nanoTime(), dir), "main"));
    assertEquals(
        "environment.yml asks for the conda packages numpy and scipy, which Berth cannot install:"
            + " no conda channel can be reached from its build machines. List them under pip: in"
            + " environment.yml (or in requirements.txt) to install from the package index, or in"
            + " apt.txt as Debian packages.",
        summary(h));
    assertFalse(engineStepRan(h), h.events().toString());
  }

  @Test
  void unusableRuntimeTxtIsRefusedByName() throws Exception {
    Path dir = Files.createTempDirectory("runtime");
    Files.writeString(dir.resolve("runtime.txt"), "r-latest\n");
    BuildHandle h =
        service.submit(SourceSpec.of(git.create("runtime-" + System.nanoTime(), dir), "main"));
    assertEquals(
        "runtime.txt says \"r-latest\", which Berth does not understand. For R, write"
            + " r-<YYYY-MM-DD> or r-<version>-<YYYY-MM-DD>, for example r-4.2-2024-01-10: the date"
            + " chooses the CRAN packages.",
        summary(h));
    assertFalse(engineStepRan(h), h.events().toString());
    List<String> none = List.of();
    assertEquals(none, cran.requests().stream().filter(p -> p.contains("latest")).toList());
  }
}
