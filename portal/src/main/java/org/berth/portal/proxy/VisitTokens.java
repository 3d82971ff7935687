package org.berth.portal.proxy;

import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import org.berth.launch.Route;
import org.berth.portal.servers.BinderConfiguration;
import org.berth.sharing.Visits;

/**
 * The key a Binder client holds to a visitor's temporary server: the visit's token, sent as {@code
 * Authorization: token <token>} (or {@code Bearer}) or, as Thebe does on WebSocket URLs, as {@code
 * ?token=}. It admits to that visit's origin only, while the visit lives (its route is open), from
 * a page of any site: a token is no ambient credential a browser adds by itself, so the cross-site
 * checks that protect cookie sign-ins do not apply. Answers to such requests, and preflights on a
 * visit's origin, carry CORS headers as BinderHub's servers do ({@code berth.binder.cors-allow-
 * origins}). Thread-safe (stateless).
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

  /** Whether the request carries the visit's own token. */
  static boolean admits(HttpRequest request, Route visit) {
    Optional<String> presented = presented(request);
    return presented.isPresent()
        && MessageDigest.isEqual(
            presented.get().getBytes(StandardCharsets.UTF_8),
            visit.token().getBytes(StandardCharsets.UTF_8));
  }

  private static Optional<String> presented(HttpRequest request) {
    String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
    if (authorization != null) {
      String[] parts = authorization.strip().split("\\s+", 2);
      if (parts.length == 2
          && (parts[0].equalsIgnoreCase("token") || parts[0].equalsIgnoreCase("bearer"))) {
        return Optional.of(parts[1]);
      }
    }
    List<String> query =
        new QueryStringDecoder(request.uri()).parameters().getOrDefault("token", List.of());
    return query.size() == 1 ? Optional.of(query.get(0)) : Optional.empty();
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
