package org.berth.portal.auth.oidc;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.views.ViewsRenderer;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.berth.portal.auth.Csrf;

/**
 * Berth's sign-in page with what went wrong with a sign-in through the provider, rendered at once
 * (the answer may come from a filter or an exception handler, where pages are not rendered for us).
 * It also clears the cookies of the sign-in that ended, so its answer cannot be sent again.
 */
@Singleton
class SignInPage {

  /** The cookies Micronaut's client keeps during one sign-in (state, nonce, PKCE verifier). */
  static final List<String> FLOW_COOKIES = List.of("OAUTH2_STATE", "OPENID_NONCE", "OAUTH2_PKCE");

  static final String NEXT_COOKIE = "berth_oidc_next";

  private final ViewsRenderer<Map<String, Object>, HttpRequest<?>> views;
  private final Csrf csrf;
  private final SignInChoices choices;

  SignInPage(
      ViewsRenderer<Map<String, Object>, HttpRequest<?>> views, Csrf csrf, SignInChoices choices) {
    this.views = views;
    this.csrf = csrf;
    this.choices = choices;
  }

  MutableHttpResponse<String> render(HttpRequest<?> request, HttpStatus status, String error) {
    Csrf.AnonymousToken token = csrf.anonymousToken(request);
    Map<String, Object> model = new HashMap<>();
    model.put("user", null);
    model.put("csrf", token.value());
    model.put("signupEnabled", choices.isSignupOpen());
    model.put("signIn", choices);
    model.put("returnTo", "/");
    model.put("error", error);
    StringWriter html = new StringWriter();
    try {
      views.render("login", model, request).writeTo(html);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    MutableHttpResponse<String> response =
        HttpResponse.<String>status(status)
            .contentType(MediaType.TEXT_HTML + ";charset=utf-8")
            .body(html.toString());
    token.cookie().ifPresent(response::cookie);
    return clearFlow(response);
  }

  /** Ends the cookies of a sign-in through the provider. */
  static <T extends MutableHttpResponse<?>> T clearFlow(T response) {
    for (String name : FLOW_COOKIES) {
      response.cookie(Cookie.of(name, "").path("/").maxAge(0));
    }
    response.cookie(Cookie.of(NEXT_COOKIE, "").path("/").maxAge(0));
    return response;
  }
}
