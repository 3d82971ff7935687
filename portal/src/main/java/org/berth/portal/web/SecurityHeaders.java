package org.berth.portal.web;

import io.micronaut.core.annotation.Order;
import io.micronaut.http.MutableHttpHeaders;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import org.berth.portal.auth.oidc.SignInChoices;

/**
 * The headers every answer of the portal carries (pages, static files, API, errors):
 *
 * <ul>
 *   <li>a Content-Security-Policy that lets Berth's pages load only Berth's own scripts, styles and
 *       images ({@code /static/berth.css}, {@code /static/progress.js}; no inline script or style),
 *       send forms and requests only to Berth, and be framed only by Berth ({@code frame-ancestors
 *       'self'}, so no other site can overlay a launch or a sign-in);
 *   <li>{@code X-Content-Type-Options: nosniff}, so an answer is never read as another type;
 *   <li>{@code Referrer-Policy: same-origin}, so links to servers and other sites carry no Berth
 *       address.
 * </ul>
 *
 * Servers' own origins are served by the proxy, not here: what Jupyter sends there is Jupyter's.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
@Order(-1000) // before the security filter, so its refusals get the headers on their way out too
final class SecurityHeaders {

  static final String POLICY =
      String.join(
          "; ",
          "default-src 'self'",
          "script-src 'self'",
          "style-src 'self'",
          "img-src 'self' data:",
          "connect-src 'self'",
          "font-src 'self'",
          "object-src 'none'",
          "base-uri 'none'",
          "form-action 'self'",
          "frame-ancestors 'self'");

  private final String policy;

  SecurityHeaders(SignInChoices choices) {
    // Signing out of a provider's session is a form whose answer redirects to the provider.
    this.policy =
        choices
            .providerOrigin()
            .map(o -> POLICY.replace("form-action 'self'", "form-action 'self' " + o))
            .orElse(POLICY);
  }

  @ResponseFilter
  void addHeaders(MutableHttpResponse<?> response) {
    MutableHttpHeaders headers = response.getHeaders();
    setIfAbsent(headers, "Content-Security-Policy", policy);
    setIfAbsent(headers, "X-Content-Type-Options", "nosniff");
    setIfAbsent(headers, "Referrer-Policy", "same-origin");
  }

  private static void setIfAbsent(MutableHttpHeaders headers, String name, String value) {
    if (!headers.contains(name)) {
      headers.add(name, value);
    }
  }
}
