package org.berth.builder.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * {@code berth.builder.*}: where images go and how builds run.
 *
 * @param registry registry host[:port], e.g. {@code 127.0.0.1:5000}
 * @param jupyterBaseImage base of environment builds (BERTH_JUPYTER_BASE_IMAGE)
 * @param recipeVersion bump to stop reusing images built by an older recipe
 * @param pipIndexUrl package index for requirements.txt; null means pip's default
 * @param buildpacksBuilder buildpacks builder image; null means none
 * @param maxConcurrentBuilds builds running at once
 * @param buildTimeout time limit of one build
 * @param buildMemory memory limit of each build step, e.g. {@code 2g}
 * @param buildCpus CPU limit of each build step, e.g. {@code 1} or {@code 0.5}
 * @param buildNetwork Docker network builds run on, created when missing
 * @param cranUrl CRAN mirror for R packages; null means CRAN's own address
 * @param cranSnapshotUrl dated CRAN snapshots with {@code {date}}; null means none
 */
@ConfigurationProperties("berth.builder")
public record BuilderProperties(
    String registry,
    String jupyterBaseImage,
    @Bindable(defaultValue = "1") String recipeVersion,
    @Nullable String pipIndexUrl,
    @Nullable String buildpacksBuilder,
    @Bindable(defaultValue = "2") int maxConcurrentBuilds,
    @Bindable(defaultValue = "30m") Duration buildTimeout,
    @Bindable(defaultValue = "2g") String buildMemory,
    @Bindable(defaultValue = "1") double buildCpus,
    @Bindable(defaultValue = "berth-builds") String buildNetwork,
    @Nullable String cranUrl,
    @Nullable String cranSnapshotUrl) {}
