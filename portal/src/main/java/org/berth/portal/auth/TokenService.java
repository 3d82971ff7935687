package org.berth.portal.auth;

import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.berth.portal.account.AccountException;
import org.berth.portal.account.AccountsConfiguration;

/**
 * Personal API tokens: created, listed, revoked, and checked on every {@code /api/v1} call. Every
 * token expires ({@code berth.accounts.token-ttl} unless its maker asks for less, never more than
 * {@code token-max-ttl}) and has a {@link TokenScope}. A token minted with another token records
 * it: it never outlives it, and revoking the one revokes the other. Thread-safe.
 */
@Singleton
public class TokenService {

  /** Recognisable prefix, so that leaked tokens can be found by secret scanners. */
  public static final String PREFIX = "berth_";

  private static final int MAX_NAME = 100;
  private static final Duration LAST_USED_GRANULARITY = Duration.ofMinutes(1);
  private static final Pattern LIFETIME = Pattern.compile("(\\d{1,9})\\s*([smhd])");

  private final ApiTokenRepository tokens;
  private final AccountsConfiguration config;

  TokenService(ApiTokenRepository tokens, AccountsConfiguration config) {
    this.tokens = tokens;
    this.config = config;
  }

  /** A full-scope token that lasts the configured time, made without another token. */
  public NewToken create(long userId, String rawName) {
    return create(userId, rawName, null, null, null);
  }

  /**
   * Makes a token.
   *
   * @param scope {@code full} (or empty) or {@code servers}
   * @param lifetime such as {@code 30d}, {@code 12h}; empty means the configured default
   * @param mintedWith the token the request came with (null for a password or a browser session)
   * @throws AccountException when a value is not acceptable; nothing is made then
   */
  public NewToken create(
      long userId, String rawName, String scope, String lifetime, Long mintedWith) {
    String name = rawName == null ? "" : rawName.strip();
    if (name.isEmpty()) {
      throw new AccountException("Give the token a name, so that you can tell it apart later.");
    }
    if (name.length() > MAX_NAME || name.chars().anyMatch(Character::isISOControl)) {
      throw new AccountException(
          "A token name has at most " + MAX_NAME + " characters and no control characters.");
    }
    TokenScope tokenScope = TokenScope.parse(scope);
    // Milliseconds, as every database keeps them: a stored time reads back as it was given.
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Instant expires = now.plus(lifetime(lifetime));
    if (mintedWith != null) {
      ApiToken parent =
          tokens
              .findById(mintedWith)
              .filter(p -> p.liveAt(now) && p.userId() == userId)
              .orElseThrow(() -> new AccountException("The token you sent is no longer valid."));
      if (parent.tokenScope() != TokenScope.FULL) {
        throw new AccountException("Only a token with the 'full' scope can make tokens.");
      }
      // A minted token never outlives the token that minted it.
      if (parent.expiresAt() != null && parent.expiresAt().isBefore(expires)) {
        expires = parent.expiresAt();
      }
    }
    String secret = PREFIX + Secrets.random();
    ApiToken saved =
        tokens.save(
            new ApiToken(
                null,
                userId,
                name,
                Secrets.sha256(secret),
                now,
                null,
                null,
                expires,
                tokenScope.value(),
                mintedWith));
    return new NewToken(
        saved.id(), saved.name(), secret, saved.createdAt(), saved.expiresAt(), saved.scope());
  }

  /** How long a new token lasts: what was asked for, within the limits. */
  Duration lifetime(String text) {
    if (text == null || text.isBlank()) {
      return config.getTokenTtl();
    }
    Matcher m = LIFETIME.matcher(text.strip().toLowerCase());
    if (!m.matches()) {
      throw new AccountException(
          "Give how long the token lasts as a number and a unit, such as 30d, 12h or 90m (not '"
              + text.strip()
              + "').");
    }
    long n = Long.parseLong(m.group(1));
    Duration d =
        switch (m.group(2)) {
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        };
    if (d.isZero()) {
      throw new AccountException("A token must last at least a second.");
    }
    if (d.compareTo(config.getTokenMaxTtl()) > 0) {
      throw new AccountException("A token lasts at most " + words(config.getTokenMaxTtl()) + ".");
    }
    return d;
  }

  /** How long a token lasts when its maker does not say, in words ("90 days"). */
  public String defaultLifetime() {
    return words(config.getTokenTtl());
  }

  public List<TokenSummary> list(long userId) {
    Instant now = Instant.now();
    return tokens.findByUserIdAndRevokedAtIsNullOrderByCreatedAt(userId).stream()
        .filter(t -> t.liveAt(now))
        .map(TokenSummary::of)
        .toList();
  }

  /**
   * Revokes one of the user's tokens and every token minted with it, and with those, and so on;
   * false when the user has no such live token.
   */
  public boolean revoke(long userId, long tokenId) {
    Optional<ApiToken> token = tokens.findByIdAndUserIdAndRevokedAtIsNull(tokenId, userId);
    if (token.isEmpty()) {
      return false;
    }
    Instant now = Instant.now();
    Deque<Long> todo = new ArrayDeque<>(List.of(token.get().id()));
    while (!todo.isEmpty()) {
      Long id = todo.poll();
      tokens.updateRevokedAt(id, now);
      tokens.findByParentIdAndRevokedAtIsNull(id).forEach(child -> todo.add(child.id()));
    }
    return true;
  }

  /** The live token with this secret value, if any; records its use. */
  public Optional<ApiToken> authenticate(String secret) {
    if (secret == null || !secret.startsWith(PREFIX)) {
      return Optional.empty();
    }
    Optional<ApiToken> token =
        tokens
            .findByTokenHashAndRevokedAtIsNull(Secrets.sha256(secret))
            .filter(t -> t.liveAt(Instant.now()));
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

  private static String words(Duration d) {
    if (d.toDays() > 0 && d.equals(Duration.ofDays(d.toDays()))) {
      return d.toDays() + (d.toDays() == 1 ? " day" : " days");
    }
    if (d.toHours() > 0 && d.equals(Duration.ofHours(d.toHours()))) {
      return d.toHours() + (d.toHours() == 1 ? " hour" : " hours");
    }
    return d.toSeconds() + " s";
  }
}
