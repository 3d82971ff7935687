package org.berth.portal.web;

import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.views.ModelAndView;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.berth.portal.auth.CurrentUser;
import org.berth.portal.auth.LocalRedirect;

/**
 * Small helpers shared by the page controllers: models, redirects, error pages, and whether a
 * request wants a page or JSON. Every page is rendered from a template in {@code views/} that
 * starts with {@code fragments :: head(title)} and {@code fragments :: header}.
 */
public final class Pages {

  /** Longest return address kept through sign-in. */
  private static final int MAX_NEXT = 2000;

  private Pages() {}

  /** A model holding the signed-in user (for the header) and the page's CSRF token. */
  public static Map<String, Object> model(CurrentUser user) {
    Map<String, Object> model = new HashMap<>();
    model.put("user", user);
    model.put("csrf", user == null ? null : user.csrfToken());
    return model;
  }

  /** The page {@code view} with {@code model}, as HTML whatever the route produces otherwise. */
  public static MutableHttpResponse<ModelAndView<Map<String, Object>>> page(
      HttpStatus status, String view, Map<String, Object> model) {
    return HttpResponse.<ModelAndView<Map<String, Object>>>status(status)
        .contentType(MediaType.TEXT_HTML_TYPE)
        .body(new ModelAndView<>(view, model));
  }

  public static MutableHttpResponse<?> redirect(String location) {
    return HttpResponse.seeOther(URI.create(location));
  }

  /**
   * Whether the request is for the API (JSON, or BinderHub's stream) rather than for a page. A
   * browser that asks for HTML gets a page on API paths too; everything else under {@code /api/}
   * and {@code /build/} gets JSON.
   */
  public static boolean isApi(HttpRequest<?> request) {
    if (asksForHtml(request)) {
      return false;
    }
    String path = request.getPath();
    return path.startsWith("/api/") || path.startsWith("/build/");
  }

  /** Whether the client names HTML among what it accepts (browsers do; scripts rarely). */
  static boolean asksForHtml(HttpRequest<?> request) {
    return request.accept().stream()
        .anyMatch(m -> m.getType().equals("text") && m.getSubtype().equals("html"));
  }

  /** The error page with a message the user can act on. */
  public static MutableHttpResponse<ModelAndView<Map<String, Object>>> error(
      HttpStatus status, String message, CurrentUser user) {
    return page(status, "error", errorModel(status, message, user));
  }

  /** The model of the {@code error} view. */
  static Map<String, Object> errorModel(HttpStatus status, String message, CurrentUser user) {
    Map<String, Object> model = model(user);
    model.put("status", status.getCode());
    model.put("title", errorTitle(status));
    model.put("message", message);
    return model;
  }

  /** As {@link #error(HttpStatus, String, CurrentUser)}, for whoever sent {@code request}. */
  public static MutableHttpResponse<ModelAndView<Map<String, Object>>> error(
      HttpRequest<?> request, HttpStatus status, String message) {
    return error(status, message, userOf(request));
  }

  /** The heading of an error page: what kind of trouble, in two or three words. */
  static String errorTitle(HttpStatus status) {
    return switch (status.getCode()) {
      case 401 -> "Sign in first";
      case 403 -> "Not allowed";
      case 404, 410 -> "Not found";
      case 405 -> "Not here";
      case 409 -> "Cannot do that now";
      case 413 -> "Too large";
      case 429, 503 -> "Busy";
      case 502, 504 -> "Not answering";
      default -> status.getCode() >= 500 ? "Something went wrong" : "Cannot do that";
    };
  }

  /** The signed-in user who sent the request, or null (signed out, or not known yet). */
  public static CurrentUser userOf(HttpRequest<?> request) {
    try {
      return request.getUserPrincipal(Authentication.class).map(CurrentUser::of).orElse(null);
    } catch (RuntimeException notOurs) {
      return null; // an authentication without Berth's attributes: show the page signed out
    }
  }

  /**
   * Where sign-in sends the browser afterwards: {@code next} when it is a path within Berth (one
   * slash, no scheme or host, no backslash or control character, not a sign-in page itself), else
   * {@code /}. The one rule every {@code next=} goes through.
   */
  public static String returnTo(String next) {
    // One rule for every redirect target (LocalRedirect), plus: never back to the account forms.
    if (next == null || next.length() > MAX_NEXT || !LocalRedirect.isLocalPath(next)) {
      return "/";
    }
    String path = next.split("[?#]", 2)[0];
    if (path.equals("/login") || path.equals("/signup") || path.equals("/logout")) {
      return "/";
    }
    return next;
  }

  /**
   * The sign-in page, asked to come back to this request's page afterwards (only for a page a
   * browser can open again, that is a GET).
   */
  public static String signInFor(HttpRequest<?> request) {
    if (request.getMethod() != HttpMethod.GET) {
      return "/login";
    }
    String path = request.getUri().getRawPath();
    String query = request.getUri().getRawQuery();
    String next = returnTo(query == null ? path : path + "?" + query);
    return next.equals("/")
        ? "/login"
        : "/login?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8);
  }
}
