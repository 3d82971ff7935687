package org.berth.portal.auth;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.GeneratedValue;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;

/**
 * A personal API token. Only its SHA-256 is stored; the token itself is shown once. {@code
 * parentId} is the token that minted it (empty when made with a password or on the account page);
 * revoking a token revokes those it minted. {@code expiresAt} is empty only for tokens made before
 * tokens had an expiry and later revoked.
 */
@MappedEntity("api_tokens")
public record ApiToken(
    @Id @GeneratedValue @Nullable Long id,
    long userId,
    String name,
    String tokenHash,
    Instant createdAt,
    @Nullable Instant lastUsedAt,
    @Nullable Instant revokedAt,
    @Nullable Instant expiresAt,
    String scope,
    @Nullable Long parentId) {

  /** Whether the token still works at {@code now}. */
  public boolean liveAt(Instant now) {
    return revokedAt == null && (expiresAt == null || expiresAt.isAfter(now));
  }

  public TokenScope tokenScope() {
    return TokenScope.parse(scope);
  }
}
