package org.berth.portal.auth;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.GeneratedValue;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;

/** A personal API token. Only its SHA-256 is stored; the token itself is shown once. */
@MappedEntity("api_tokens")
public record ApiToken(
    @Id @GeneratedValue @Nullable Long id,
    long userId,
    String name,
    String tokenHash,
    Instant createdAt,
    @Nullable Instant lastUsedAt,
    @Nullable Instant revokedAt) {}
