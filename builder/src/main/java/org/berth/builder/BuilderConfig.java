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
 * @param cranUrl CRAN mirror for the R packages of {@code install.R} and {@code DESCRIPTION}
 * @param cranSnapshotUrl dated CRAN snapshots, with {@code {date}} where the date goes (e.g. {@code
 *     https://packagemanager.posit.co/cran/{date}}); null when the mirror has none, and then a date
 *     in {@code runtime.txt} is not honoured
 */
public record BuilderConfig(
    String registry,
    String jupyterBaseImage,
    String recipeVersion,
    String pipIndexUrl,
    String buildpacksBuilder,
    int maxConcurrentBuilds,
    Duration buildTimeout,
    String cranUrl,
    String cranSnapshotUrl) {
  /** CRAN's own address: used when no mirror is configured. */
  public static final String DEFAULT_CRAN_URL = "https://cloud.r-project.org";

  public BuilderConfig {
    if (cranUrl == null || cranUrl.isBlank()) {
      cranUrl = DEFAULT_CRAN_URL;
    }
    cranUrl = cranUrl.strip().replaceAll("/+$", "");
    if (cranSnapshotUrl != null && cranSnapshotUrl.isBlank()) {
      cranSnapshotUrl = null;
    }
    if (cranSnapshotUrl != null && !cranSnapshotUrl.contains("{date}")) {
      throw new IllegalArgumentException(
          "berth.builder.cran-snapshot-url must say where the date goes with {date}: "
              + cranSnapshotUrl);
    }
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

  /** Settings with CRAN's own address and no snapshots. */
  public BuilderConfig(
      String registry,
      String jupyterBaseImage,
      String recipeVersion,
      String pipIndexUrl,
      String buildpacksBuilder,
      int maxConcurrentBuilds,
      Duration buildTimeout) {
    this(
        registry,
        jupyterBaseImage,
        recipeVersion,
        pipIndexUrl,
        buildpacksBuilder,
        maxConcurrentBuilds,
        buildTimeout,
        null,
        null);
  }

  /** The same settings with another CRAN mirror and snapshot address (null for none). */
  public BuilderConfig withCran(String url, String snapshotUrl) {
    return new BuilderConfig(
        registry,
        jupyterBaseImage,
        recipeVersion,
        pipIndexUrl,
        buildpacksBuilder,
        maxConcurrentBuilds,
        buildTimeout,
        url,
        snapshotUrl);
  }

  public BuilderConfig withBuildTimeout(Duration timeout) {
    return new BuilderConfig(
        registry,
        jupyterBaseImage,
        recipeVersion,
        pipIndexUrl,
        buildpacksBuilder,
        maxConcurrentBuilds,
        timeout,
        cranUrl,
        cranSnapshotUrl);
  }

  public BuilderConfig withPipIndexUrl(String url) {
    return new BuilderConfig(
        registry,
        jupyterBaseImage,
        recipeVersion,
        url,
        buildpacksBuilder,
        maxConcurrentBuilds,
        buildTimeout,
        cranUrl,
        cranSnapshotUrl);
  }

  public BuilderConfig withBuildpacksBuilder(String image) {
    return new BuilderConfig(
        registry,
        jupyterBaseImage,
        recipeVersion,
        pipIndexUrl,
        image,
        maxConcurrentBuilds,
        buildTimeout,
        cranUrl,
        cranSnapshotUrl);
  }
}
