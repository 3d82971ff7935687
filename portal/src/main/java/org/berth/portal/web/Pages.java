package org.berth.portal.web;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.views.ModelAndView;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.berth.portal.auth.CurrentUser;

/** Small helpers shared by the page controllers: models, redirects and error pages. */
public final class Pages {

  private Pages() {}

  /** A model holding the signed-in user (for the header) and the page's CSRF token. */
  public static Map<String, Object> model(CurrentUser user) {
    Map<String, Object> model = new HashMap<>();
    model.put("user", user);
    model.put("csrf", user == null ? null : user.csrfToken());
    return model;
  }

  public static MutableHttpResponse<ModelAndView<Map<String, Object>>> page(
      HttpStatus status, String view, Map<String, Object> model) {
    return HttpResponse.<ModelAndView<Map<String, Object>>>status(status)
        .body(new ModelAndView<>(view, model));
  }

  public static MutableHttpResponse<?> redirect(String location) {
    return HttpResponse.seeOther(URI.create(location));
  }

  /** Whether the request is for the API (JSON, or BinderHub's stream) rather than for a page. */
  public static boolean isApi(HttpRequest<?> request) {
    return request.getPath().startsWith("/api/") || request.getPath().startsWith("/build/");
  }

  /** The error page with a message the user can act on. */
  public static MutableHttpResponse<ModelAndView<Map<String, Object>>> error(
      HttpStatus status, String message, CurrentUser user) {
    Map<String, Object> model = model(user);
    model.put("status", status.getCode());
    model.put("message", message);
    return page(status, "error", model);
  }
}
