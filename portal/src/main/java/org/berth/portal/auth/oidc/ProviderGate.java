package org.berth.portal.auth.oidc;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.http.cookie.SameSite;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.time.Duration;
import org.berth.portal.web.Pages;

/**
 * Stands before sign-in through the provider ({@code /oauth/...}): when the provider does not
 * answer, the browser gets Berth's sign-in page saying so (and the password form, where it is
 * allowed) instead of being sent to an address that does not answer. A sign-in started with {@code
 * ?next=} returns there afterwards.
 */
@ServerFilter("/oauth/**")
@Requires(property = "berth.oidc.enabled", value = "true")
class ProviderGate {

  private final Provider provider;
  private final SignInPage page;

  ProviderGate(Provider provider, SignInPage page) {
    this.provider = provider;
    this.page = page;
  }

  @RequestFilter
  @ExecuteOn(TaskExecutors.BLOCKING)
  @Nullable
  HttpResponse<?> gate(HttpRequest<?> request) {
    try {
      provider.requireAvailable();
      return null;
    } catch (OidcSignInException.ProviderUnavailable e) {
      return page.render(request, HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
    }
  }

  @ResponseFilter
  void rememberNext(HttpRequest<?> request, MutableHttpResponse<?> response) {
    String next = request.getParameters().get("next");
    if (next != null
        && request.getPath().startsWith("/oauth/login/")
        && response.status().getCode() < 400) {
      response.cookie(
          Cookie.of(SignInPage.NEXT_COOKIE, Pages.returnTo(next))
              .path("/")
              .httpOnly(true)
              .sameSite(SameSite.Lax)
              .maxAge(Duration.ofMinutes(15)));
    }
  }
}
