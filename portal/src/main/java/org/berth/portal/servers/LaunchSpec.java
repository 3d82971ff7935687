package org.berth.portal.servers;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import org.berth.launch.ServerSpec;

/**
 * A launch as the API receives it (JSON): the wire form of {@link ServerSpec.Request}. Every field
 * may be left out: resources take the configured defaults, the image the configured default.
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
    @Nullable Boolean cullingDisabled) {

  public ServerSpec.Request toRequest() {
    return new ServerSpec.Request(
        image, repo, ref, memory, cpus, idleTimeout, path, cullingDisabled);
  }
}
