package org.berth.portal.servers;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;

/** A server as its owner sees it through the API and pages. Never carries the server's token. */
@Serdeable
public record ServerView(
    String name,
    String state,
    @Nullable String message,
    String image,
    long memoryBytes,
    double cpus,
    long idleTimeoutSeconds,
    boolean cullingDisabled,
    String url,
    String openUrl,
    Instant createdAt,
    @Nullable Instant startedAt) {}
