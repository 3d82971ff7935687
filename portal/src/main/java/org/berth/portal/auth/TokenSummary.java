package org.berth.portal.auth;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;

/** A token as listed: never its secret. */
@Serdeable
public record TokenSummary(
    long id,
    String name,
    Instant createdAt,
    @Nullable Instant lastUsedAt,
    @Nullable Instant expiresAt,
    String scope,
    @Nullable Long mintedBy) {

  static TokenSummary of(ApiToken token) {
    return new TokenSummary(
        token.id(),
        token.name(),
        token.createdAt(),
        token.lastUsedAt(),
        token.expiresAt(),
        token.scope(),
        token.parentId());
  }
}
