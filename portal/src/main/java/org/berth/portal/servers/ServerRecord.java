package org.berth.portal.servers;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.GeneratedValue;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;

/**
 * A row of {@code servers}: the database's form of the domain's {@link org.berth.launch.Server}
 * ({@link JdbcServerStore} converts). {@code handleJson} is the back end's handle as JSON.
 */
@MappedEntity("servers")
record ServerRecord(
    @Id @GeneratedValue @Nullable Long id,
    long ownerId,
    String ownerName,
    String name,
    String serverId,
    String sourceRepo,
    String sourceRef,
    String sourceCommit,
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
    @Nullable Instant startedAt,
    String mountsJson,
    String contextJson) {}
