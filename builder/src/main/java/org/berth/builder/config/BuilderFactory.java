package org.berth.builder.config;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.berth.builder.BuildResources;
import org.berth.builder.BuildService;
import org.berth.builder.BuildStore;
import org.berth.builder.BuilderConfig;
import org.berth.builder.InMemoryBuildStore;
import org.berth.builder.RepoProvider;
import org.berth.builder.SourcePolicy;
import org.berth.builder.source.GitRepoProvider;
import org.berth.builder.source.SourceValidator;
import org.berth.builder.strategy.DockerEngine;
import org.berth.builder.strategy.buildpacks.BuildpacksStrategy;
import org.berth.builder.strategy.dockerfile.DockerfileStrategy;
import org.berth.builder.strategy.environment.EnvironmentStrategy;
import org.berth.imagecache.RegistryClient;

/**
 * Wires the builder for Micronaut: the portal injects {@link BuildService} and provides its own
 * {@link BuildStore} bean (the in-memory one is used only when none exists). Strategies are walked
 * in repo2docker's order: Dockerfile, buildpacks, environment files (and the default).
 */
@Factory
public class BuilderFactory {
  @Singleton
  BuilderConfig builderConfig(BuilderProperties p) {
    return new BuilderConfig(
        p.registry(),
        p.jupyterBaseImage(),
        p.recipeVersion(),
        p.pipIndexUrl(),
        p.buildpacksBuilder(),
        p.maxConcurrentBuilds(),
        p.buildTimeout(),
        p.cranUrl(),
        p.cranSnapshotUrl());
  }

  @Singleton
  BuildResources buildResources(BuilderProperties p) {
    return BuildResources.of(p.buildMemory(), p.buildCpus(), p.buildNetwork());
  }

  @Singleton
  SourcePolicy sourcePolicy(SourcesProperties p) {
    return new SourcePolicy(
        p.allowHosts() == null ? Set.of() : new HashSet<>(p.allowHosts()),
        p.denyHosts() == null ? Set.of() : new HashSet<>(p.denyHosts()),
        p.maxRepoBytes(),
        p.fetchTimeout(),
        p.submodules(),
        p.cacheDir() == null || p.cacheDir().isBlank()
            ? SourcePolicy.defaultCacheDir()
            : java.nio.file.Path.of(p.cacheDir().strip()),
        p.cacheMaxBytes());
  }

  @Singleton
  @Requires(missingBeans = RegistryClient.class)
  RegistryClient registryClient() {
    return RegistryClient.distribution();
  }

  @Singleton
  @Bean(preDestroy = "close")
  DockerEngine dockerEngine(RegistryClient registry, BuildResources resources) {
    return new DockerEngine(DockerEngine.localClient(), registry, resources);
  }

  @Singleton
  @Requires(missingBeans = BuildStore.class)
  BuildStore buildStore() {
    return new InMemoryBuildStore();
  }

  @Singleton
  @Bean(preDestroy = "close")
  BuildService buildService(
      SourcePolicy policy,
      BuilderConfig config,
      DockerEngine engine,
      RegistryClient registry,
      BuildStore store) {
    SourceValidator hostRules = new SourceValidator(policy);
    List<RepoProvider> providers = List.of(new GitRepoProvider(policy, hostRules));
    return new BuildService(
        providers,
        List.of(
            new DockerfileStrategy(engine, config, hostRules),
            new BuildpacksStrategy(engine, config),
            new EnvironmentStrategy(engine, config)),
        registry,
        store,
        config);
  }
}
