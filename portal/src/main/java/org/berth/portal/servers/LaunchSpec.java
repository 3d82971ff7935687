package org.berth.portal.servers;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/**
 * A launch as a client sends it. Every field may be left out: resources take the configured
 * defaults, the image the configured default. {@code repo}/{@code ref} are for building from a
 * repository, which is not wired into launches yet.
 */
@Serdeable
public record LaunchSpec(
    @Nullable String image,
    @Nullable String repo,
    @Nullable String ref,
    @Nullable String memory,
    @Nullable Double cpus,
    @Nullable String idleTimeout,
    @Nullable String path,
    @Nullable Boolean cullingDisabled) {}
