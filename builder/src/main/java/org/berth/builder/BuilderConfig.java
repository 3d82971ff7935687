package org.berth.builder;

import java.time.Duration;

/**
 * Builder settings ({@code berth.builder.*}).
 *
 * @param registry registry host[:port] images are pushed to
 * @param jupyterBaseImage base of environment builds (BERTH_JUPYTER_BASE_IMAGE)
 * @param recipeVersion bumped when the build recipe changes, so old images are not reused
 * @param pipIndexUrl package index for requirements.txt; null means pip's default
 * @param buildpacksBuilder Cloud Native Buildpacks builder image; null when not configured
 * @param maxConcurrentBuilds builds that run at once; the rest queue
 * @param buildTimeout time limit of one build
 */
public record BuilderConfig(
    String registry,
    String jupyterBaseImage,
    String recipeVersion,
    String pipIndexUrl,
    String buildpacksBuilder,
    int maxConcurrentBuilds,
    Duration buildTimeout) {
  public BuilderConfig {
    if (registry == null || registry.isBlank()) {
      throw new IllegalArgumentException("berth.builder.registry is missing");
    }
    if (jupyterBaseImage == null || jupyterBaseImage.isBlank()) {
      throw new IllegalArgumentException("berth.builder.jupyter-base-image is missing");
    }
    if (maxConcurrentBuilds < 1) {
      throw new IllegalArgumentException("maxConcurrentBuilds must be at least 1");
    }
  }

  public BuilderConfig withBuildTimeout(Duration timeout) {
    return new BuilderConfig(
        registry,
        jupyterBaseImage,
        recipeVersion,
        pipIndexUrl,
        buildpacksBuilder,
        maxConcurrentBuilds,
        timeout);
  }

  public BuilderConfig withPipIndexUrl(String url) {
    return new BuilderConfig(
        registry,
        jupyterBaseImage,
        recipeVersion,
        url,
        buildpacksBuilder,
        maxConcurrentBuilds,
        buildTimeout);
  }

  public BuilderConfig withBuildpacksBuilder(String image) {
    return new BuilderConfig(
        registry,
        jupyterBaseImage,
        recipeVersion,
        pipIndexUrl,
        image,
        maxConcurrentBuilds,
        buildTimeout);
  }
}
