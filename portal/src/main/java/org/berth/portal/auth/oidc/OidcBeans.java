package org.berth.portal.auth.oidc;

import io.micronaut.context.annotation.EachBean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Parameter;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.json.JsonMapper;
import io.micronaut.security.oauth2.client.DefaultOpenIdProviderMetadata;
import io.micronaut.security.oauth2.client.OpenIdProviderMetadataFetcher;
import io.micronaut.security.oauth2.client.OpenIdProviderMetadataFetcherFactory;
import io.micronaut.security.oauth2.configuration.OpenIdClientConfiguration;
import jakarta.inject.Singleton;
import java.time.Clock;

/**
 * Wires sign-in through the provider: the {@link Provider}, and in place of Micronaut's metadata
 * fetcher (which asks the provider once, at start, and gives up for good when it does not answer)
 * one that hands Micronaut the provider's metadata as Berth discovers it, whenever that is.
 */
@Factory
@Requires(property = "berth.oidc.enabled", value = "true")
class OidcBeans {

  @Singleton
  Provider provider(OidcSettings settings, JsonMapper json) {
    if (settings.getIssuer().isBlank()) {
      throw new IllegalStateException(
          "berth.oidc.enabled is true but berth.oidc.issuer is empty: set BERTH_OIDC_ISSUER to the"
              + " provider's issuer (for Keycloak http(s)://HOST/realms/REALM), or turn sign-in"
              + " through a provider off.");
    }
    return new Provider(settings, json, Clock.systemUTC());
  }

  @EachBean(OpenIdClientConfiguration.class)
  @Singleton
  @Replaces(
      bean = OpenIdProviderMetadataFetcher.class,
      factory = OpenIdProviderMetadataFetcherFactory.class)
  OpenIdProviderMetadataFetcher metadataFetcher(
      @Parameter OpenIdClientConfiguration client, Provider provider) {
    return new OpenIdProviderMetadataFetcher() {
      @Override
      public String getName() {
        return client.getName();
      }

      @Override
      public DefaultOpenIdProviderMetadata fetch() {
        provider.tryDiscover();
        return provider.micronautMetadata();
      }
    };
  }
}
