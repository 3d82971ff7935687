package org.berth.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.berth.builder.source.GitRepoProvider;
import org.berth.builder.strategy.DockerEngine;
import org.berth.builder.strategy.buildpacks.BuildpacksStrategy;
import org.berth.builder.strategy.dockerfile.DockerfileStrategy;
import org.berth.builder.strategy.environment.EnvironmentStrategy;
import org.berth.imagecache.registry.DistributionRegistryClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The buildpacks plumbing against a builder image this test makes (a fake {@code
 * /cnb/lifecycle/creator} that pushes the workspace as an image): container creation, workspace
 * copy, arguments, logs, exit status, registry digest. A real lifecycle is not exercised.
 */
class BuildpacksIT {
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
        "BASE_IMAGE=" + TestEnv.require("BERTH_JUPYTER_BASE_IMAGE"),
        "-t",
        BUILDER,
        Path.of("src/test/resources/fake-cnb-builder").toAbsolutePath().toString());
    git = new GitServer();
    BuilderConfig config = BuilderStack.config().withBuildpacksBuilder(BUILDER);
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
    assertTrue(
        log.stream()
            .anyMatch(l -> l.contains("-insecure-registry=") && l.contains(h.target().toString())),
        log.toString());
    assertEquals(image.digest(), new DistributionRegistryClient().find(h.target()).orElseThrow());
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
