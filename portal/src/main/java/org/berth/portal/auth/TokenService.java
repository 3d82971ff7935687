package org.berth.portal.auth;

import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.berth.portal.account.AccountException;

/** Personal API tokens: created, listed, revoked, and checked on every {@code /api/v1} call. */
@Singleton
public class TokenService {

  /** Recognisable prefix, so that leaked tokens can be found by secret scanners. */
  public static final String PREFIX = "berth_";

  private static final int MAX_NAME = 100;
  private static final Duration LAST_USED_GRANULARITY = Duration.ofMinutes(1);

  private final ApiTokenRepository tokens;

  TokenService(ApiTokenRepository tokens) {
    this.tokens = tokens;
  }

  public NewToken create(long userId, String rawName) {
    String name = rawName == null ? "" : rawName.strip();
    if (name.isEmpty()) {
      throw new AccountException("Give the token a name, so that you can tell it apart later.");
    }
    if (name.length() > MAX_NAME || name.chars().anyMatch(Character::isISOControl)) {
      throw new AccountException(
          "A token name has at most " + MAX_NAME + " characters and no control characters.");
    }
    String secret = PREFIX + Secrets.random();
    ApiToken saved =
        tokens.save(
            new ApiToken(null, userId, name, Secrets.sha256(secret), Instant.now(), null, null));
    return new NewToken(saved.id(), saved.name(), secret, saved.createdAt());
  }

  public List<TokenSummary> list(long userId) {
    return tokens.findByUserIdAndRevokedAtIsNullOrderByCreatedAt(userId).stream()
        .map(TokenSummary::of)
        .toList();
  }

  /** Revokes one of the user's tokens; false when the user has no such live token. */
  public boolean revoke(long userId, long tokenId) {
    Optional<ApiToken> token = tokens.findByIdAndUserIdAndRevokedAtIsNull(tokenId, userId);
    token.ifPresent(t -> tokens.updateRevokedAt(t.id(), Instant.now()));
    return token.isPresent();
  }

  /** The live token with this secret value, if any; records its use. */
  public Optional<ApiToken> authenticate(String secret) {
    if (secret == null || !secret.startsWith(PREFIX)) {
      return Optional.empty();
    }
    Optional<ApiToken> token = tokens.findByTokenHashAndRevokedAtIsNull(Secrets.sha256(secret));
    token.ifPresent(this::touch);
    return token;
  }

  private void touch(ApiToken token) {
    Instant now = Instant.now();
    if (token.lastUsedAt() == null
        || token.lastUsedAt().plus(LAST_USED_GRANULARITY).isBefore(now)) {
      tokens.updateLastUsedAt(token.id(), now);
    }
  }
}
