package org.berth.portal.auth.oidc;

import com.nimbusds.jwt.JWTClaimsSet;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.berth.launch.AccessToken;
import org.berth.launch.TokenSource;
import org.berth.launch.UserName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provider's tokens of each user's latest sign-in, held in memory only (never in the database,
 * never in a log), for the credentials hand-over: the access token, renewed with the refresh token
 * when asked for one that lives longer. A sign-out drops them, and so does a refusal from the
 * provider (its session ended). After Berth restarts it holds none until the user signs in again.
 * Thread-safe.
 */
@Singleton
@Requires(property = "berth.oidc.enabled", value = "true")
public class TokenVault implements TokenSource {

  private static final Logger LOG = LoggerFactory.getLogger(TokenVault.class);

  private final Provider provider;
  private final OidcSettings settings;
  private final IdTokenValidator checks;
  private final JsonMapper json;
  private final Identities.SessionRepository sessions;
  private final Clock clock = Clock.systemUTC();
  private final HttpClient http;
  private final Map<String, Held> held = new ConcurrentHashMap<>();

  /** One user's tokens, from one browser session's sign-in. */
  record Held(
      String sessionId, String subject, String access, Instant accessExpires, String refresh) {

    @Override
    public String toString() {
      return "Held[expires " + accessExpires + "]";
    }
  }

  TokenVault(
      Provider provider,
      OidcSettings settings,
      IdTokenValidator checks,
      JsonMapper json,
      Identities.SessionRepository sessions) {
    this.sessions = sessions;
    this.provider = provider;
    this.settings = settings;
    this.checks = checks;
    this.json = json;
    this.http = HttpClient.newBuilder().connectTimeout(settings.getProbeTimeout()).build();
  }

  /** Keeps the tokens of a sign-in, in place of the user's earlier ones. */
  void hold(
      String username,
      String sessionId,
      String subject,
      String access,
      Integer expiresIn,
      String refresh) {
    if (access == null || access.isBlank()) {
      return;
    }
    held.put(username, new Held(sessionId, subject, access, expiry(access, expiresIn), refresh));
  }

  /** Drops the tokens a browser session brought; answers whose they were. */
  Optional<String> drop(String sessionId) {
    for (Map.Entry<String, Held> e : held.entrySet()) {
      if (e.getValue().sessionId().equals(sessionId) && held.remove(e.getKey(), e.getValue())) {
        return Optional.of(e.getKey());
      }
    }
    return Optional.empty();
  }

  @Override
  public Optional<AccessToken> tokenFor(UserName owner, Duration minValidity) {
    Held h = held.get(owner.value());
    if (h == null) {
      return Optional.empty();
    }
    if (!h.accessExpires().minus(minValidity).isBefore(clock.instant())) {
      return Optional.of(new AccessToken(h.access(), h.accessExpires()));
    }
    synchronized (h) {
      Held now = held.get(owner.value());
      if (now != h) {
        return now == null
            ? Optional.empty()
            : Optional.of(new AccessToken(now.access(), now.accessExpires()));
      }
      Optional<Held> renewed = renew(owner, h);
      if (renewed.isEmpty()) {
        held.remove(owner.value(), h);
        return Optional.empty();
      }
      held.replace(owner.value(), h, renewed.get());
      return Optional.of(new AccessToken(renewed.get().access(), renewed.get().accessExpires()));
    }
  }

  private Optional<Held> renew(UserName owner, Held h) {
    if (h.refresh() == null || h.refresh().isBlank()) {
      return Optional.empty();
    }
    if (!sessions.existsById(h.sessionId())) {
      // The Berth session these tokens came with has ended (expired, or signed out elsewhere).
      LOG.info("{}'s session that brought their tokens has ended; the hand-over stops", owner);
      return Optional.empty();
    }
    StringBuilder form =
        new StringBuilder("grant_type=refresh_token&refresh_token=").append(encode(h.refresh()));
    HttpRequest.Builder request;
    try {
      request =
          HttpRequest.newBuilder(URI.create(provider.tokenEndpoint()))
              .timeout(Duration.ofSeconds(10))
              .header("Content-Type", "application/x-www-form-urlencoded")
              .header("Accept", "application/json");
    } catch (OidcSignInException e) {
      LOG.info("Could not renew {}'s token: {}", owner, e.getMessage());
      return Optional.of(h).filter(x -> x.accessExpires().isAfter(clock.instant()));
    }
    if (settings.getClientSecret().isEmpty()) {
      form.append("&client_id=").append(encode(settings.getClientId()));
    } else {
      String basic = encode(settings.getClientId()) + ":" + encode(settings.getClientSecret());
      request.header(
          "Authorization",
          "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
    }
    try {
      HttpResponse<String> response =
          http.send(
              request.POST(HttpRequest.BodyPublishers.ofString(form.toString())).build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        // The provider's session ended (signed out there, expired, or revoked): nothing to renew.
        LOG.info(
            "{} refused to renew {}'s token (HTTP {}); the hand-over stops until they sign in"
                + " again",
            settings.getDisplayName(),
            owner,
            response.statusCode());
        return Optional.empty();
      }
      Map<String, Object> body =
          json.readValue(response.body(), Argument.mapOf(String.class, Object.class));
      String access = (String) body.get("access_token");
      String refresh = (String) body.get("refresh_token");
      Integer expiresIn = body.get("expires_in") instanceof Number n ? n.intValue() : null;
      if (access == null) {
        return Optional.empty();
      }
      if (TokenChecks.isJwt(access)) {
        JWTClaimsSet claims = checks.accessToken(access);
        if (h.subject() != null && !h.subject().equals(claims.getSubject())) {
          LOG.warn(
              "{} renewed {}'s token for another subject; dropped it",
              settings.getDisplayName(),
              owner);
          return Optional.empty();
        }
      }
      return Optional.of(
          new Held(
              h.sessionId(),
              h.subject(),
              access,
              expiry(access, expiresIn),
              refresh == null ? h.refresh() : refresh));
    } catch (IOException e) {
      LOG.info("{} did not answer when renewing {}'s token", settings.getDisplayName(), owner);
      return Optional.of(h).filter(x -> x.accessExpires().isAfter(clock.instant()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (OidcSignInException e) {
      LOG.info("Dropped a renewed token of {}: {}", owner, e.getMessage());
      return Optional.empty();
    }
  }

  private Instant expiry(String access, Integer expiresIn) {
    if (TokenChecks.isJwt(access)) {
      try {
        java.util.Date exp =
            com.nimbusds.jwt.SignedJWT.parse(access).getJWTClaimsSet().getExpirationTime();
        if (exp != null) {
          return exp.toInstant();
        }
      } catch (java.text.ParseException e) {
        // An opaque-looking token after all: the token response's lifetime decides.
      }
    }
    return clock.instant().plusSeconds(expiresIn == null ? 60 : expiresIn);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
