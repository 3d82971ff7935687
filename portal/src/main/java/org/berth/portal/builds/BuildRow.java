package org.berth.portal.builds;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;

/** A finished build as stored; see {@link JdbcBuildStore}. */
@MappedEntity("builds")
record BuildRow(
    @Id String id,
    String source,
    String ref,
    String commitSha,
    @Nullable String image,
    @Nullable String digest,
    @Nullable String strategy,
    Instant startedAt,
    long durationMs,
    String outcome,
    @Nullable String failure,
    @Nullable String message,
    String log) {}
