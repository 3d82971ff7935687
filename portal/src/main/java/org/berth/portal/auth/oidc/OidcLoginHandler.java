package org.berth.portal.auth.oidc;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.authentication.AuthenticationResponse;
import io.micronaut.security.handlers.RedirectingLoginHandler;
import jakarta.inject.Singleton;
import java.net.URI;
import java.time.Instant;
import org.berth.portal.account.AccountService;
import org.berth.portal.account.UserAccount;
import org.berth.portal.auth.Secrets;
import org.berth.portal.auth.SessionService;
import org.berth.portal.web.Pages;

/**
 * Ends a sign-in through the provider: a success starts the same Berth session as a password
 * sign-in (so everything behind it stays as it is), keeps the session's ID token for the provider's
 * sign-out and the tokens for the credentials hand-over; a failure shows the sign-in page saying
 * why. Either way the sign-in's own cookies are cleared, so that its answer cannot be used again.
 */
@Singleton
@Requires(property = "berth.oidc.enabled", value = "true")
class OidcLoginHandler implements RedirectingLoginHandler<HttpRequest<?>, MutableHttpResponse<?>> {

  private final AccountService accounts;
  private final SessionService sessions;
  private final Identities.SessionRepository oidcSessions;
  private final TokenVault vault;
  private final SignInPage page;
  private final OidcSettings settings;

  OidcLoginHandler(
      AccountService accounts,
      SessionService sessions,
      Identities.SessionRepository oidcSessions,
      TokenVault vault,
      SignInPage page,
      OidcSettings settings) {
    this.accounts = accounts;
    this.sessions = sessions;
    this.oidcSessions = oidcSessions;
    this.vault = vault;
    this.page = page;
    this.settings = settings;
  }

  @Override
  public MutableHttpResponse<?> loginSuccess(
      Authentication authentication, HttpRequest<?> request) {
    ClaimsMapper.Login login =
        (ClaimsMapper.Login) authentication.getAttributes().get(ClaimsMapper.LOGIN);
    UserAccount account =
        accounts
            .find(login.userId())
            .orElseThrow(() -> new IllegalStateException("signed in to a missing account"));
    Cookie cookie = sessions.start(account);
    String sessionId = Secrets.sha256(cookie.getValue());
    oidcSessions.save(
        new Identities.Session(sessionId, login.identityId(), login.idToken(), Instant.now()));
    vault.hold(
        account.username(),
        sessionId,
        login.subject(),
        login.accessToken(),
        login.expiresIn(),
        login.refreshToken());
    String next =
        Pages.returnTo(
            request
                .getCookies()
                .findCookie(SignInPage.NEXT_COOKIE)
                .map(Cookie::getValue)
                .orElse("/"));
    return SignInPage.clearFlow(HttpResponse.seeOther(URI.create(next)).cookie(cookie));
  }

  @Override
  public MutableHttpResponse<?> loginRefresh(
      Authentication authentication, String refreshToken, HttpRequest<?> request) {
    return HttpResponse.notFound();
  }

  @Override
  public MutableHttpResponse<?> loginFailed(
      AuthenticationResponse response, HttpRequest<?> request) {
    String said = response.getMessage().orElse("");
    String message =
        said.startsWith("State validation failed")
            ? "This sign-in answer does not belong to a sign-in started in this browser, or it was"
                + " used already (its state does not match). Nothing was signed in; start again"
                + " from Berth's sign-in page."
            : "Signing in through "
                + settings.getDisplayName()
                + " did not work. Nothing was signed in; start again, and tell an administrator if"
                + " it happens again.";
    return page.render(request, HttpStatus.BAD_REQUEST, message);
  }
}
