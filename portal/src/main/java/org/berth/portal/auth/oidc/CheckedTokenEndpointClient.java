package org.berth.portal.auth.oidc;

import io.micronaut.context.BeanContext;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.client.HttpClientConfiguration;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.security.oauth2.endpoint.token.request.DefaultTokenEndpointClient;
import io.micronaut.security.oauth2.endpoint.token.request.context.TokenRequestContext;
import io.micronaut.security.oauth2.endpoint.token.response.TokenResponse;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;

/**
 * Micronaut's token endpoint client, with its failures turned into {@link OidcSignInException}s
 * that say what happened: a code the provider refuses (used already, or too old) and a provider
 * that does not answer.
 */
@Singleton
@Replaces(DefaultTokenEndpointClient.class)
@Requires(property = "berth.oidc.enabled", value = "true")
class CheckedTokenEndpointClient extends DefaultTokenEndpointClient {

  private final OidcSettings settings;

  CheckedTokenEndpointClient(
      BeanContext beanContext, HttpClientConfiguration configuration, OidcSettings settings) {
    super(beanContext, configuration);
    this.settings = settings;
  }

  @Override
  public <G, R extends TokenResponse> Publisher<R> sendRequest(
      TokenRequestContext<G, R> requestContext) {
    return Flux.from(super.sendRequest(requestContext)).onErrorMap(this::explained);
  }

  private Throwable explained(Throwable e) {
    String provider = settings.getDisplayName();
    if (e instanceof OidcSignInException) {
      return e;
    }
    if (e instanceof HttpClientResponseException r) {
      if (r.getStatus() == HttpStatus.BAD_REQUEST || r.getStatus() == HttpStatus.UNAUTHORIZED) {
        // The body would say invalid_grant or invalid_client; the message must not carry it raw.
        return new OidcSignInException.Replayed(
            provider
                + " refused to finish this sign-in: its answer was used already, is too old, or"
                + " Berth's client settings are wrong. Nothing was signed in; start again from"
                + " Berth's sign-in page, and tell an administrator if it happens again.");
      }
      return new OidcSignInException.ProviderUnavailable(
          provider
              + " answered HTTP "
              + r.getStatus().getCode()
              + " when Berth asked it to finish the sign-in. Try again in a few minutes; if it goes"
              + " on, tell an administrator.",
          null);
    }
    return new OidcSignInException.ProviderUnavailable(
        provider
            + " did not answer when Berth asked it to finish the sign-in. Try again in a few"
            + " minutes; if it goes on, tell an administrator.",
        null);
  }
}
