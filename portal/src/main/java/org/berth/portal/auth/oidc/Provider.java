package org.berth.portal.auth.oidc;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import io.micronaut.json.JsonMapper;
import io.micronaut.security.oauth2.client.DefaultOpenIdProviderMetadata;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The identity provider as Berth knows it: its discovery document and signing keys, fetched when
 * first needed and again when they may have changed, so that Berth starts and runs (local sign-in
 * included) while the provider is down, and sign-in through it works again once it answers. It
 * fills the metadata object Micronaut's OAuth 2.0 client reads (see {@link
 * ProviderMetadataFetchers}). Thread-safe.
 */
public final class Provider {

  private static final Logger LOG = LoggerFactory.getLogger(Provider.class);
  private static final Duration UP_FOR = Duration.ofSeconds(5);
  private static final Duration KEYS_REFETCH_AFTER = Duration.ofSeconds(30);

  private final OidcSettings settings;
  private final JsonMapper json;
  private final Clock clock;
  private final HttpClient http;
  private final DefaultOpenIdProviderMetadata metadata;
  private volatile boolean discovered;
  private volatile Instant answeredAt = Instant.EPOCH;
  private volatile JWKSet keys;
  private volatile Instant keysAt = Instant.EPOCH;

  Provider(OidcSettings settings, JsonMapper json, Clock clock) {
    this.settings = settings;
    this.json = json;
    this.clock = clock;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(settings.getProbeTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.metadata = new DefaultOpenIdProviderMetadata(OidcSettings.CLIENT);
  }

  /** The provider's name as users know it ("Keycloak"). */
  String displayName() {
    return settings.getDisplayName();
  }

  /** The issuer Berth trusts, without a trailing slash. */
  String issuer() {
    return settings.getIssuer().replaceAll("/+$", "");
  }

  /** The object Micronaut's client reads its endpoints from; filled once discovery succeeds. */
  DefaultOpenIdProviderMetadata micronautMetadata() {
    return metadata;
  }

  /**
   * Makes sure the provider answers now (asked at most every few seconds) and that its endpoints
   * are known.
   *
   * @throws OidcSignInException.ProviderUnavailable when it does not answer
   */
  void requireAvailable() {
    Instant now = clock.instant();
    if (discovered && answeredAt.plus(UP_FOR).isAfter(now)) {
      return;
    }
    discover();
  }

  /** Tries discovery once, quietly: at start, so that a provider that answers is ready at once. */
  void tryDiscover() {
    try {
      discover();
    } catch (OidcSignInException e) {
      LOG.warn("{} Sign-in through it is tried again when someone signs in.", e.getMessage());
    }
  }

  /** The end-session (RP-initiated logout) endpoint, when the provider has one. */
  Optional<String> endSessionEndpoint() {
    return Optional.ofNullable(metadata.getEndSessionEndpoint());
  }

  /** The token endpoint. */
  String tokenEndpoint() {
    requireAvailable();
    return metadata.getTokenEndpoint();
  }

  /** The key that signed a token, by its key id; fetched again once if unknown. */
  Optional<JWK> key(String keyId) {
    JWKSet current = keys;
    Optional<JWK> found = current == null ? Optional.empty() : find(current, keyId);
    if (found.isPresent()) {
      return found;
    }
    // Keys rotate: an unknown key id makes Berth look again, but not more often than this.
    if (current == null || keysAt.plus(KEYS_REFETCH_AFTER).isBefore(clock.instant())) {
      current = fetchKeys();
      found = find(current, keyId);
    }
    return found;
  }

  private static Optional<JWK> find(JWKSet set, String keyId) {
    if (keyId == null) {
      return set.getKeys().size() == 1 ? Optional.of(set.getKeys().get(0)) : Optional.empty();
    }
    return Optional.ofNullable(set.getKeyByKeyId(keyId));
  }

  private synchronized JWKSet fetchKeys() {
    requireAvailable();
    String body = get(metadata.getJwksUri(), "its signing keys");
    try {
      keys = JWKSet.parse(body);
      keysAt = clock.instant();
      return keys;
    } catch (ParseException e) {
      throw unavailable("answered with signing keys Berth cannot read", e);
    }
  }

  private synchronized void discover() {
    String address = issuer() + "/.well-known/openid-configuration";
    String body = get(address, "its OpenID configuration");
    DefaultOpenIdProviderMetadata found;
    try {
      found = json.readValue(body, DefaultOpenIdProviderMetadata.class);
    } catch (IOException | RuntimeException e) {
      throw unavailable("answered with an OpenID configuration Berth cannot read", e);
    }
    String said = found.getIssuer() == null ? "" : found.getIssuer().replaceAll("/+$", "");
    if (!said.equals(issuer())) {
      // OpenID Connect Discovery 1.0, 4.3: the issuer in the document must be the one asked.
      throw unavailable(
          "calls itself "
              + said
              + " but Berth is configured with "
              + issuer()
              + " (berth.oidc.issuer): Berth and the provider must use the same address",
          null);
    }
    // Only what is missing: endpoints set in Micronaut's client configuration (a token URL, say)
    // stay as configured.
    if (metadata.getIssuer() == null) {
      metadata.setIssuer(found.getIssuer());
    }
    if (metadata.getAuthorizationEndpoint() == null) {
      metadata.setAuthorizationEndpoint(found.getAuthorizationEndpoint());
    }
    if (metadata.getTokenEndpoint() == null) {
      metadata.setTokenEndpoint(found.getTokenEndpoint());
    }
    if (metadata.getJwksUri() == null) {
      metadata.setJwksUri(found.getJwksUri());
    }
    if (metadata.getUserinfoEndpoint() == null) {
      metadata.setUserinfoEndpoint(found.getUserinfoEndpoint());
    }
    if (metadata.getEndSessionEndpoint() == null) {
      metadata.setEndSessionEndpoint(found.getEndSessionEndpoint());
    }
    if (metadata.getTokenEndpointAuthMethodsSupported() == null) {
      metadata.setTokenEndpointAuthMethodsSupported(found.getTokenEndpointAuthMethodsSupported());
    }
    if (metadata.getCodeChallengeMethodsSupported() == null) {
      metadata.setCodeChallengeMethodsSupported(found.getCodeChallengeMethodsSupported());
    }
    if (metadata.getScopesSupported() == null) {
      metadata.setScopesSupported(found.getScopesSupported());
    }
    if (metadata.getResponseTypesSupported() == null) {
      metadata.setResponseTypesSupported(found.getResponseTypesSupported());
    }
    if (metadata.getGrantTypesSupported() == null) {
      metadata.setGrantTypesSupported(found.getGrantTypesSupported());
    }
    if (metadata.getSubjectTypesSupported() == null) {
      metadata.setSubjectTypesSupported(found.getSubjectTypesSupported());
    }
    if (metadata.getIdTokenSigningAlgValuesSupported() == null) {
      metadata.setIdTokenSigningAlgValuesSupported(found.getIdTokenSigningAlgValuesSupported());
    }
    if (metadata.getClaimsSupported() == null) {
      metadata.setClaimsSupported(found.getClaimsSupported());
    }
    if (!discovered) {
      LOG.info("Sign-in through {} at {} is ready", displayName(), issuer());
    }
    discovered = true;
    answeredAt = clock.instant();
  }

  private String get(String address, String what) {
    if (address == null || address.isBlank()) {
      throw unavailable("has not named the address of " + what, null);
    }
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(address)).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw unavailable("answered HTTP " + response.statusCode() + " for " + what, null);
      }
      return response.body();
    } catch (IOException e) {
      throw unavailable("does not answer at " + issuer(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable("was not asked: Berth is stopping", e);
    } catch (IllegalArgumentException e) {
      throw unavailable("has an address Berth cannot use (" + address + ")", e);
    }
  }

  private OidcSignInException.ProviderUnavailable unavailable(String what, Throwable cause) {
    return new OidcSignInException.ProviderUnavailable(
        settings.getDisplayName()
            + " "
            + what
            + ", so signing in through it is not possible right now. Try again in a few minutes;"
            + " if it goes on, tell an administrator.",
        cause);
  }
}
