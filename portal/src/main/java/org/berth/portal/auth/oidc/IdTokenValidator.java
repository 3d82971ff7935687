package org.berth.portal.auth.oidc;

import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.micronaut.context.annotation.Primary;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.security.oauth2.client.OpenIdProviderMetadata;
import io.micronaut.security.oauth2.configuration.OauthClientConfiguration;
import io.micronaut.security.oauth2.endpoint.token.response.OpenIdTokenResponse;
import io.micronaut.security.oauth2.endpoint.token.response.validation.ReactiveOpenIdTokenResponseValidator;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Checks the ID token of every sign-in in place of Micronaut's own check, which refuses without
 * saying why: here each refusal is an {@link OidcSignInException} whose message the sign-in page
 * shows. A nonce is accepted once only, so an answer sent again is refused even with the cookies of
 * the browser that started it.
 */
@Singleton
@Primary
@Replaces(ReactiveOpenIdTokenResponseValidator.class)
@Requires(property = "berth.oidc.enabled", value = "true")
class IdTokenValidator implements ReactiveOpenIdTokenResponseValidator<JWT> {

  /** How long a used nonce is remembered: longer than any sign-in token lives. */
  private static final Duration REMEMBER_NONCES = Duration.ofHours(1);

  private final Provider provider;
  private final OidcSettings settings;
  private final ExecutorService blocking;
  private final Clock clock = Clock.systemUTC();
  private final Map<String, Instant> usedNonces = new ConcurrentHashMap<>();

  IdTokenValidator(
      Provider provider,
      OidcSettings settings,
      @Named(TaskExecutors.BLOCKING) ExecutorService blocking) {
    this.provider = provider;
    this.settings = settings;
    this.blocking = blocking;
  }

  TokenChecks.Expected expected() {
    return new TokenChecks.Expected(
        settings.getDisplayName(),
        provider.issuer(),
        settings.getClientId(),
        settings.getClockSkew());
  }

  @Override
  public Publisher<JWT> validate(
      OauthClientConfiguration clientConfiguration,
      OpenIdProviderMetadata openIdProviderMetadata,
      OpenIdTokenResponse openIdTokenResponse,
      String nonce) {
    return Mono.fromCallable(() -> check(openIdTokenResponse.getIdToken(), nonce))
        .subscribeOn(Schedulers.fromExecutorService(blocking));
  }

  private JWT check(String idToken, String nonce) throws ParseException {
    Instant now = clock.instant();
    TokenChecks.idToken(idToken, provider::key, expected(), nonce, now);
    usedNonces.values().removeIf(at -> at.plus(REMEMBER_NONCES).isBefore(now));
    if (usedNonces.putIfAbsent(nonce, now) != null) {
      throw new OidcSignInException.Replayed(
          "This sign-in answer was used already: a sign-in token counts once. Nothing was signed"
              + " in; start again from Berth's sign-in page.");
    }
    return SignedJWT.parse(idToken);
  }

  /** The claims of an access token handed to Berth, checked as {@link TokenChecks} says. */
  JWTClaimsSet accessToken(String token) {
    return TokenChecks.accessToken(token, provider::key, expected(), clock.instant());
  }
}
