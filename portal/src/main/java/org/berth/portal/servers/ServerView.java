package org.berth.portal.servers;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.List;
import org.berth.launch.Server;
import org.berth.launch.ServerSpec;
import org.berth.launch.ServerState;

/**
 * A server as its owner sees it through the API and pages. Never carries the server's token. {@code
 * url} is the server's address on its own origin; {@code openUrl} the portal link that signs the
 * browser in there.
 */
@Serdeable
public record ServerView(
    String name,
    ServerState state,
    @Nullable String message,
    String image,
    @Nullable String repo,
    @Nullable String ref,
    @Nullable String commit,
    long memoryBytes,
    double cpus,
    long idleTimeoutSeconds,
    boolean cullingDisabled,
    String url,
    String openUrl,
    Instant createdAt,
    @Nullable Instant startedAt,
    List<MountView> mounts) {

  /** One of the server's own mounts (its owner's home is mounted besides). */
  @Serdeable
  public record MountView(String target, String volume, String mode, String subPath) {}

  /** The view of a server served from {@code origin} (e.g. {@code http://abc.localhost:8081}). */
  public static ServerView of(Server s, String origin) {
    ServerSpec spec = s.spec();
    ServerSpec.Source source = spec.source();
    return new ServerView(
        s.name().value(),
        s.state(),
        s.message(),
        spec.image(),
        source.isNone() ? null : source.repo(),
        source.isNone() ? null : source.ref(),
        source.isNone() ? null : source.commit(),
        spec.resources().memoryBytes(),
        spec.resources().cpus(),
        spec.resources().idleTimeout().toSeconds(),
        spec.cullingDisabled(),
        origin + s.baseUrl(),
        "/servers/" + s.name().value() + "/open",
        s.createdAt(),
        s.startedAt(),
        spec.mounts().stream()
            .map(
                m -> new MountView(m.target(), m.volume(), m.readOnly() ? "ro" : "rw", m.subPath()))
            .toList());
  }

  public boolean running() {
    return state == ServerState.RUNNING;
  }
}
