package org.berth.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.berth.builder.source.GitRepoProvider;
import org.berth.builder.strategy.DockerEngine;
import org.berth.builder.strategy.buildpacks.BuildpacksStrategy;
import org.berth.builder.strategy.dockerfile.DockerfileStrategy;
import org.berth.builder.strategy.environment.EnvironmentStrategy;
import org.berth.imagecache.registry.DistributionRegistryClient;
import org.berth.imagecache.testing.TestRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The buildpacks plumbing against a builder image this test makes (a fake {@code
 * /cnb/lifecycle/creator} that pushes the workspace as an image): container creation, workspace
 * copy, arguments, logs, exit status, registry digest. A real lifecycle is not exercised.
 */
class BuildpacksIT {
  @RegisterExtension static final TestRegistry REGISTRY = new TestRegistry();
  static final String BUILDER = "berth-test/fake-cnb-builder:" + BuilderStack.RUN_RECIPE;
  static GitServer git;
  static BuildService service;

  @BeforeAll
  static void start() {
    Verify.run(
        "docker",
        "build",
        "-q",
        "--build-arg",
        "BASE_IMAGE=" + REGISTRY.jupyterBase(),
        "-t",
        BUILDER,
        Path.of("src/test/resources/fake-cnb-builder").toAbsolutePath().toString());
    git = new GitServer();
    BuilderConfig config = BuilderStack.config(REGISTRY).withBuildpacksBuilder(BUILDER);
    var registry = new DistributionRegistryClient(Duration.ofSeconds(5));
    DockerEngine engine = new DockerEngine(DockerEngine.localClient(), registry);
    service =
        new BuildService(
            List.of(new GitRepoProvider(BuilderStack.sources())),
            List.of(
                new DockerfileStrategy(engine, config),
                new BuildpacksStrategy(engine, config),
                new EnvironmentStrategy(engine, config)),
            registry,
            new InMemoryBuildStore(),
            config);
  }

  @AfterAll
  static void stop() {
    service.close();
    git.close();
    Verify.run("docker", "rmi", BUILDER);
  }

  @Test
  void drivesCreatorInTheBuilderImageAndRecordsThePushedImage() throws Exception {
    BuildHandle h = service.submit(SourceSpec.of(git.fromFixture("buildpacks"), "main"));
    BuiltImage image = h.result().get(3, TimeUnit.MINUTES);
    assertEquals("buildpacks", image.strategy());
    List<String> log =
        h.events().stream()
            .filter(e -> e instanceof BuildEvent.LogLine)
            .map(e -> ((BuildEvent.LogLine) e).line())
            .toList();
    assertTrue(
        log.stream().anyMatch(l -> l.contains("fake-creator workspace: app.py project.toml")),
        log.toString());
    String pushedAs = "/" + h.target().repository() + ":" + h.target().tag();
    assertTrue(
        log.stream().anyMatch(l -> l.contains("-insecure-registry=") && l.contains(pushedAs)),
        log.toString());
    assertEquals(image.digest(), new DistributionRegistryClient().find(h.target()).orElseThrow());
  }

  @Test
  void runsTheBuilderWithTheBuildLimitsOnTheBuildNetworkNotTheHosts() throws Exception {
    BuildHandle h = service.submit(SourceSpec.of(git.fromFixture("buildpacks"), "main"));
    h.result().get(3, TimeUnit.MINUTES);
    List<String> log =
        h.events().stream()
            .filter(e -> e instanceof BuildEvent.LogLine)
            .map(e -> ((BuildEvent.LogLine) e).line())
            .toList();
    assertTrue(
        log.contains("fake-creator memory: " + BuildResources.defaults().memoryBytes()),
        log.toString());
    String gateway = BuilderStack.buildNetworkGateway();
    assertTrue(
        log.stream().anyMatch(l -> l.startsWith("fake-creator registry: " + gateway + ":")),
        "the registry is reached through the build network's gateway: " + log);
  }

  @Test
  void putsLinksIntoTheWorkspaceAsLinksAndNoHostFile() throws Exception {
    Path secretDir = Files.createTempDirectory("berth-host-secret");
    String secret = "BERTH-HOST-SECRET-" + java.util.UUID.randomUUID();
    Files.writeString(secretDir.resolve("secret.txt"), secret + "\n");
    Path repo = Files.createTempDirectory("bp-links");
    try {
      Files.writeString(repo.resolve("project.toml"), "[_]\nschema-version = \"0.2\"\n");
      Files.writeString(repo.resolve("app.py"), "print('hi')\n");
      Files.createSymbolicLink(repo.resolve("hostdir"), secretDir);
      Files.createSymbolicLink(
          repo.resolve("hostfile"),
          Path.of("../".repeat(40) + secretDir.resolve("secret.txt").toString().substring(1)));
      Files.createSymbolicLink(repo.resolve("main.py"), Path.of("app.py"));
      BuildHandle h =
          service.submit(SourceSpec.of(git.create("bp-links-" + System.nanoTime(), repo), "main"));
      BuiltImage image = h.result().get(3, TimeUnit.MINUTES);
      Map<String, String> files = exported(image);
      assertEquals("link app.py", files.get("workspace/main.py"), files.toString());
      assertEquals("link " + secretDir, files.get("workspace/hostdir"), files.toString());
      assertTrue(files.get("workspace/hostfile").startsWith("link ../"), files.toString());
      assertFalse(files.toString().contains(secret), "the host's secret is in the image");
      Verify.run("docker", "rmi", image.ref().toString());
    } finally {
      GitRepoProvider.clear(repo);
      GitRepoProvider.clear(secretDir);
    }
  }

  /** The image's files (it has no shell): path to content, or to "link TARGET". */
  static Map<String, String> exported(BuiltImage image) throws Exception {
    String name = "berth-builder-it-" + java.util.UUID.randomUUID();
    Verify.run("docker", "pull", "-q", image.ref().toString());
    Verify.run("docker", "create", "--name", name, image.ref().toString(), "none");
    try {
      Process p = new ProcessBuilder("docker", "export", name).start();
      Map<String, String> files = new TreeMap<>();
      try (TarArchiveInputStream tar = new TarArchiveInputStream(p.getInputStream())) {
        for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
          if (e.isSymbolicLink()) {
            files.put(e.getName(), "link " + e.getLinkName());
          } else if (e.isFile()) {
            files.put(e.getName(), new String(tar.readAllBytes()));
          }
        }
      }
      p.waitFor();
      return files;
    } finally {
      Verify.run("docker", "rm", "-f", name);
    }
  }

  @Test
  void failsNamingTheBuilderWhenCreatorFails() {
    String url = git.fromFixture("buildpacks");
    git.commitFile(url, "fail-build", "yes");
    BuildHandle h = service.submit(SourceSpec.of(url, "main"));
    CompletionException e = assertThrows(CompletionException.class, () -> h.result().join());
    BuildException b = assertInstanceOf(BuildException.class, e.getCause());
    assertTrue(
        b.getMessage().contains(BUILDER) && b.getMessage().contains("exited with 3"),
        b.getMessage());
  }
}
