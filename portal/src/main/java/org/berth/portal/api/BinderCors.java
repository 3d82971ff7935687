package org.berth.portal.api;

import io.micronaut.core.annotation.Order;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import org.berth.portal.servers.BinderConfiguration;

/**
 * CORS on BinderHub's {@code /build} as BinderHub sets it, so that Binder clients on other sites
 * (Thebe, Jupyter Book) work unchanged: {@code Access-Control-Allow-Origin} from {@code
 * berth.binder.cors-allow-origins} ({@code *} by default) on every answer, and the methods and
 * headers a preflight asks about. No {@code Access-Control-Allow-Credentials}: a page of another
 * site never reads an answer made with a visitor's Berth session.
 */
@ServerFilter("/build/**")
@Order(-900)
final class BinderCors {

  private final BinderConfiguration config;

  BinderCors(BinderConfiguration config) {
    this.config = config;
  }

  @ResponseFilter
  void headers(HttpRequest<?> request, MutableHttpResponse<?> response) {
    String origin = request.getHeaders().get("Origin");
    if (origin == null) {
      return;
    }
    config
        .allowOrigin(origin)
        .ifPresent(
            allowed -> {
              response.header("Access-Control-Allow-Origin", allowed);
              if (!allowed.equals("*")) {
                response.header("Vary", "Origin");
              }
              if (request.getMethod() == HttpMethod.OPTIONS) {
                response.header("Access-Control-Allow-Methods", "GET, OPTIONS");
                String asked = request.getHeaders().get("Access-Control-Request-Headers");
                if (asked != null && !asked.isBlank()) {
                  response.header("Access-Control-Allow-Headers", asked);
                }
                response.header("Access-Control-Max-Age", "600");
              }
            });
  }
}
