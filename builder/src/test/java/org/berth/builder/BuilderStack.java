package org.berth.builder;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.berth.builder.source.GitRepoProvider;
import org.berth.builder.strategy.DockerEngine;
import org.berth.builder.strategy.dockerfile.DockerfileStrategy;
import org.berth.builder.strategy.environment.EnvironmentStrategy;
import org.berth.imagecache.RegistryClient;
import org.berth.imagecache.registry.DistributionRegistryClient;
import org.berth.imagecache.testing.TestRegistry;

/** The real pieces wired together as the portal will: engine, registry, git, strategies. */
public final class BuilderStack {
  /** One recipe version per test run, so earlier runs' images are never taken as cache hits. */
  public static final String RUN_RECIPE = "t" + System.currentTimeMillis();

  /** Builds into the test class's own registry, on the Jupyter base it holds. */
  public static BuilderConfig config(TestRegistry registry) {
    return config(registry.address(), registry.jupyterBase());
  }

  /**
   * Builds into {@code registry} on {@code jupyterBase}: the benchmarks' choice, which measure
   * against Berth's own registry ({@link TestEnv}).
   */
  public static BuilderConfig config(String registry, String jupyterBase) {
    return new BuilderConfig(
        registry, jupyterBase, RUN_RECIPE, null, null, 2, Duration.ofMinutes(5));
  }

  public static SourcePolicy sources() {
    return SourcePolicy.defaults().withAllowHosts(Set.of("127.0.0.1"));
  }

  public static BuildService service(BuilderConfig config, SourcePolicy policy, BuildStore store) {
    RegistryClient registry = new DistributionRegistryClient(Duration.ofSeconds(5));
    DockerEngine engine = new DockerEngine(DockerEngine.localClient(), registry);
    return new BuildService(
        List.of(new GitRepoProvider(policy)),
        List.of(new DockerfileStrategy(engine, config), new EnvironmentStrategy(engine, config)),
        registry,
        store,
        config);
  }

  /** The gateway of the network builds run on: the host's address as build steps see it. */
  public static String buildNetworkGateway() {
    try (DockerEngine engine =
        new DockerEngine(
            DockerEngine.localClient(), new DistributionRegistryClient(Duration.ofSeconds(5)))) {
      return engine.buildNetworkGateway();
    } catch (Exception e) {
      throw new IllegalStateException("cannot find the build network's gateway", e);
    }
  }

  private BuilderStack() {}
}
