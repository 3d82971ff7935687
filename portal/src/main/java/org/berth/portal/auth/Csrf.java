package org.berth.portal.auth;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.http.cookie.SameSite;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * CSRF protection for every form. Signed-in forms carry the session's own token (synchroniser
 * token). Forms shown before sign-in (sign-in, sign-up) use a double-submit token: a random value
 * in a strict same-site cookie that the form must echo.
 *
 * <p>API calls authenticated by a token or password carry no ambient authority and need no CSRF
 * token; API calls that ride a browser session must send the session's token in {@value #HEADER}.
 */
@Singleton
public class Csrf {

  public static final String FIELD = "_csrf";
  public static final String HEADER = "X-CSRF-Token";
  static final String ANONYMOUS_COOKIE = "berth_csrf";

  private final boolean secure;

  Csrf(HttpSettings http) {
    this.secure = http.isSecureCookies();
  }

  /** The token an anonymous form should carry, and the cookie to set when it is new. */
  public AnonymousToken anonymousToken(HttpRequest<?> request) {
    Optional<String> existing =
        request.getCookies().findCookie(ANONYMOUS_COOKIE).map(Cookie::getValue);
    if (existing.isPresent() && existing.get().length() >= 32) {
      return new AnonymousToken(existing.get(), Optional.empty());
    }
    String value = Secrets.random();
    return new AnonymousToken(
        value,
        Optional.of(
            Cookie.of(ANONYMOUS_COOKIE, value)
                .path("/")
                .httpOnly(true)
                .sameSite(SameSite.Strict)
                .secure(secure)));
  }

  /** Whether an anonymous form's token matches the browser's cookie. */
  public boolean anonymousValid(HttpRequest<?> request, String formToken) {
    return request
        .getCookies()
        .findCookie(ANONYMOUS_COOKIE)
        .map(Cookie::getValue)
        .filter(v -> v.length() >= 32)
        .map(v -> Secrets.same(v, formToken))
        .orElse(false);
  }

  /**
   * Whether a signed-in request may change state: always for token and password callers; for
   * browser sessions only with the session's token in the form or the header.
   */
  public boolean valid(CurrentUser user, HttpRequest<?> request, String formToken) {
    if (user.via() != Via.SESSION) {
      return true;
    }
    String sent = formToken != null ? formToken : request.getHeaders().get(HEADER);
    return Secrets.same(user.csrfToken(), sent);
  }

  /**
   * The signed-in user, when the request may change state (see {@link #valid}).
   *
   * @throws CsrfRejectedException when a browser session sent no valid token
   */
  public CurrentUser require(
      io.micronaut.security.authentication.Authentication authentication,
      HttpRequest<?> request,
      String formToken) {
    CurrentUser user = CurrentUser.of(authentication);
    if (!valid(user, request, formToken)) {
      throw new CsrfRejectedException();
    }
    return user;
  }

  /** A token for an anonymous form, with the cookie to set if the browser had none. */
  public record AnonymousToken(String value, Optional<Cookie> cookie) {}
}
