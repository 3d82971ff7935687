package org.berth.builder.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import java.time.Duration;
import java.util.Map;
import org.berth.builder.BuildResources;
import org.berth.builder.BuildService;
import org.berth.builder.BuilderConfig;
import org.berth.builder.SourcePolicy;
import org.junit.jupiter.api.Test;

/** The beans the portal injects come up from configuration alone (no engine contact at start). */
class BuilderFactoryTest {
  @Test
  void bindsConfigurationAndMakesTheBuildService() {
    try (ApplicationContext ctx =
        ApplicationContext.run(
            Map.of(
                "berth.builder.registry", "127.0.0.1:5000",
                "berth.builder.jupyter-base-image", "127.0.0.1:5000/berth/jupyter-base:1",
                "berth.builder.pip-index-url", "http://172.19.0.1:8080/simple",
                "berth.builder.build-timeout", "90s",
                "berth.builder.cran-snapshot-url", "http://172.17.0.1:8081/snapshot/{date}",
                "berth.sources.allow-hosts", "127.0.0.1",
                "berth.sources.max-repo-bytes", "1000"))) {
      BuilderConfig config = ctx.getBean(BuilderConfig.class);
      assertEquals("127.0.0.1:5000", config.registry());
      assertEquals("1", config.recipeVersion());
      assertEquals(Duration.ofSeconds(90), config.buildTimeout());
      assertEquals("http://172.19.0.1:8080/simple", config.pipIndexUrl());
      assertEquals(BuilderConfig.DEFAULT_CRAN_URL, config.cranUrl());
      assertEquals("http://172.17.0.1:8081/snapshot/{date}", config.cranSnapshotUrl());
      SourcePolicy policy = ctx.getBean(SourcePolicy.class);
      assertTrue(policy.allowHosts().contains("127.0.0.1"));
      assertEquals(1000, policy.maxRepoBytes());
      assertNotNull(ctx.getBean(BuildService.class));
      assertEquals(BuildResources.defaults(), ctx.getBean(BuildResources.class));
    }
  }

  @Test
  void bindsTheLimitsAndNetworkOfBuilds() {
    try (ApplicationContext ctx =
        ApplicationContext.run(
            Map.of(
                "berth.builder.registry", "127.0.0.1:5000",
                "berth.builder.jupyter-base-image", "127.0.0.1:5000/berth/jupyter-base:1",
                "berth.builder.build-memory", "512m",
                "berth.builder.build-cpus", "0.5",
                "berth.builder.build-network", "my-builds"))) {
      assertEquals(
          new BuildResources(512L * 1024 * 1024, 0.5, "my-builds"),
          ctx.getBean(BuildResources.class));
    }
  }
}
