package org.berth.portal.proxy;

import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Optional;
import org.berth.launch.Route;
import org.berth.portal.servers.BinderConfiguration;
import org.berth.sharing.Visits;

/**
 * CORS for Binder clients on visitors' servers. A Binder client's page (Thebe, on another site)
 * holds its visit's token ({@link Admission#visitOfToken}); answers to its requests, and preflights
 * on a visit's origin, carry CORS headers as BinderHub's servers do ({@code
 * berth.binder.cors-allow-origins}). Thread-safe (stateless).
 */
final class VisitTokens {

  private final BinderConfiguration config;

  VisitTokens(BinderConfiguration config) {
    this.config = config;
  }

  /** Whether a route is a visitor's temporary server. */
  static boolean isVisit(Route route) {
    return route.owner().equals(Visits.VISITOR);
  }

  /** A CORS preflight (it carries no credentials, so it is answered here, never forwarded). */
  static boolean isPreflight(HttpRequest request) {
    return request.method().equals(HttpMethod.OPTIONS)
        && request.headers().contains(HttpHeaderNames.ORIGIN)
        && request.headers().contains(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD);
  }

  /** The {@code Access-Control-Allow-Origin} for a request, if its origin may read answers. */
  Optional<String> allowOrigin(HttpRequest request) {
    String origin = request.headers().get(HttpHeaderNames.ORIGIN);
    return origin == null ? Optional.empty() : config.allowOrigin(origin);
  }

  /** The answer to a preflight on a visit's origin: 204, with CORS headers when allowed. */
  FullHttpResponse preflight(HttpRequest request) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT);
    allowOrigin(request)
        .ifPresent(
            origin -> {
              response.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
              response
                  .headers()
                  .set(
                      HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS,
                      "GET, POST, PUT, PATCH, DELETE, OPTIONS");
              response
                  .headers()
                  .set(
                      HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS,
                      "Authorization, Content-Type, X-XSRFToken, X-Requested-With");
              response.headers().set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, "600");
              response.headers().set(HttpHeaderNames.VARY, "Origin");
            });
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
    return response;
  }
}
