package org.berth.portal.auth.oidc;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.micronaut.security.oauth2.endpoint.authorization.response.AuthorizationErrorResponseException;
import io.micronaut.security.oauth2.endpoint.authorization.response.AuthorizationErrorResponseExceptionHandler;
import jakarta.inject.Singleton;

/** Refused sign-ins through the provider: the sign-in page, saying why, with a fitting status. */
final class OidcErrorHandlers {

  private OidcErrorHandlers() {}

  static HttpStatus statusOf(OidcSignInException e) {
    if (e instanceof OidcSignInException.ProviderUnavailable) {
      return HttpStatus.SERVICE_UNAVAILABLE;
    }
    if (e instanceof OidcSignInException.AccountRefused) {
      return HttpStatus.FORBIDDEN;
    }
    if (e instanceof OidcSignInException.Replayed) {
      return HttpStatus.BAD_REQUEST;
    }
    return HttpStatus.UNAUTHORIZED;
  }

  @Produces
  @Singleton
  static class Refused implements ExceptionHandler<OidcSignInException, HttpResponse<?>> {

    private final SignInPage page;

    Refused(SignInPage page) {
      this.page = page;
    }

    @Override
    public HttpResponse<?> handle(HttpRequest request, OidcSignInException exception) {
      return page.render(request, statusOf(exception), exception.getMessage());
    }
  }

  /** The provider answered the sign-in with an error (the user cancelled, say). */
  @Produces
  @Singleton
  @Replaces(AuthorizationErrorResponseExceptionHandler.class)
  @Requires(property = "berth.oidc.enabled", value = "true")
  static class ProviderError
      implements ExceptionHandler<AuthorizationErrorResponseException, HttpResponse<?>> {

    private final SignInPage page;
    private final OidcSettings settings;

    ProviderError(SignInPage page, OidcSettings settings) {
      this.page = page;
      this.settings = settings;
    }

    @Override
    public HttpResponse<?> handle(HttpRequest request, AuthorizationErrorResponseException e) {
      // The code only: the description comes from the address bar, and anyone can write there.
      String code = String.valueOf(e.getAuthorizationErrorResponse().getError());
      String provider = settings.getDisplayName();
      String message =
          "access_denied".equals(code)
              ? "The sign-in through "
                  + provider
                  + " was cancelled. Nothing was signed in; start again when you are ready."
              : provider
                  + " did not sign you in ("
                  + (code.matches("[a-z_]{1,40}") ? code : "an unknown error")
                  + "). Nothing was signed in; start again, and tell an administrator if it"
                  + " happens again.";
      return page.render(request, HttpStatus.UNAUTHORIZED, message);
    }
  }
}
