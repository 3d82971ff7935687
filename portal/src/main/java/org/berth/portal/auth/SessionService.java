package org.berth.portal.auth;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.http.cookie.SameSite;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.Optional;
import org.berth.portal.account.AccountsConfiguration;
import org.berth.portal.account.UserAccount;

/**
 * Browser sessions kept in the database, so that sign-out and expiry take effect at once and
 * survive restarts. The cookie is host-only (no Domain attribute): it is never sent to a server's
 * own origin such as {@code abc.localhost}.
 */
@Singleton
public class SessionService {

  public static final String COOKIE = "berth_session";

  private final WebSessionRepository sessions;
  private final AccountsConfiguration config;
  private final boolean secure;

  SessionService(WebSessionRepository sessions, AccountsConfiguration config, HttpSettings http) {
    this.sessions = sessions;
    this.config = config;
    this.secure = http.isSecureCookies();
  }

  /** Starts a session; the returned cookie carries the only copy of its secret. */
  public Cookie start(UserAccount user) {
    String secret = Secrets.random();
    Instant now = Instant.now();
    sessions.save(
        new WebSession(
            Secrets.sha256(secret),
            user.id(),
            Secrets.random(),
            now,
            now.plus(config.getSessionTtl())));
    return Cookie.of(COOKIE, secret)
        .path("/")
        .httpOnly(true)
        .sameSite(SameSite.Lax)
        .secure(secure)
        .maxAge(config.getSessionTtl());
  }

  /** The live session behind the request's cookie, if any. */
  public Optional<WebSession> find(HttpRequest<?> request) {
    return request
        .getCookies()
        .findCookie(COOKIE)
        .map(Cookie::getValue)
        .flatMap(secret -> sessions.findById(Secrets.sha256(secret)))
        .filter(s -> s.expiresAt().isAfter(Instant.now()));
  }

  /** Ends the request's session and returns a cookie that clears it in the browser. */
  public Cookie end(HttpRequest<?> request) {
    request
        .getCookies()
        .findCookie(COOKIE)
        .ifPresent(c -> sessions.deleteById(Secrets.sha256(c.getValue())));
    return Cookie.of(COOKIE, "")
        .path("/")
        .httpOnly(true)
        .sameSite(SameSite.Lax)
        .secure(secure)
        .maxAge(0);
  }

  @Scheduled(fixedDelay = "15m", initialDelay = "1m")
  void removeExpired() {
    sessions.deleteByExpiresAtLessThan(Instant.now());
  }
}
