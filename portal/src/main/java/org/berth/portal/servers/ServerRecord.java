package org.berth.portal.servers;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.GeneratedValue;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;

/**
 * A named server as stored. {@code token} is the server's own secret, kept so that the proxy can
 * reach the server after a restart; it is never shown to anyone. {@code handleJson} is the back
 * end's handle, stored as the back end gave it.
 */
@MappedEntity("servers")
public record ServerRecord(
    @Id @GeneratedValue @Nullable Long id,
    long ownerId,
    String name,
    String serverId,
    String image,
    long memoryBytes,
    double cpus,
    long idleTimeoutS,
    long maxAgeS,
    String openPath,
    boolean cullingDisabled,
    String specHash,
    String token,
    String state,
    @Nullable String message,
    @Nullable String backend,
    @Nullable String handleJson,
    Instant createdAt,
    @Nullable Instant startedAt) {

  ServerRecord withState(String newState, @Nullable String newMessage) {
    return new ServerRecord(
        id,
        ownerId,
        name,
        serverId,
        image,
        memoryBytes,
        cpus,
        idleTimeoutS,
        maxAgeS,
        openPath,
        cullingDisabled,
        specHash,
        token,
        newState,
        newMessage,
        backend,
        handleJson,
        createdAt,
        startedAt);
  }

  ServerRecord started(String newBackend, String newHandleJson, Instant at) {
    return new ServerRecord(
        id,
        ownerId,
        name,
        serverId,
        image,
        memoryBytes,
        cpus,
        idleTimeoutS,
        maxAgeS,
        openPath,
        cullingDisabled,
        specHash,
        token,
        ServerState.RUNNING.name(),
        null,
        newBackend,
        newHandleJson,
        createdAt,
        at);
  }

  ServerRecord withSpec(ResolvedSpec spec) {
    return new ServerRecord(
        id,
        ownerId,
        name,
        serverId,
        spec.image(),
        spec.resources().memoryBytes(),
        spec.resources().cpus(),
        spec.resources().idleTimeout().toSeconds(),
        spec.resources().maxAge().toSeconds(),
        spec.path(),
        spec.cullingDisabled(),
        spec.hash(),
        token,
        state,
        message,
        backend,
        handleJson,
        createdAt,
        startedAt);
  }
}
