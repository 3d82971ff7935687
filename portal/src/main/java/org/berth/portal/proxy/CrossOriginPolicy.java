package org.berth.portal.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import java.util.Optional;

/**
 * Which requests a server's origin accepts from other sites. The proxy authenticates every request
 * it forwards with the server's token, and Jupyter skips its own Origin and XSRF checks for
 * token-authenticated requests, so these checks are the proxy's to make.
 *
 * <ul>
 *   <li>A request whose {@code Origin} is not the server's own origin is refused, whatever its
 *       method (browsers send {@code Origin} on every cross-origin request that is not a plain
 *       navigation or image load, and on every WebSocket handshake; {@code null} counts as
 *       foreign).
 *   <li>Where the browser sends fetch metadata: a state-changing request (any method but GET, HEAD
 *       and OPTIONS) or a WebSocket upgrade must be {@code same-origin} (or {@code none}: typed by
 *       the user); a safe request from another site is only accepted as a navigation (a link
 *       followed, a tab opened), not as a script's fetch or an embedded resource.
 *   <li>A request with neither header (a script with an API token, an old browser's GET) is let
 *       through to the usual checks.
 * </ul>
 *
 * Thread-safe (stateless).
 */
final class CrossOriginPolicy {

  static final String REFUSED =
      "Berth refused this request to your server because it came from another site. If you"
          + " meant to do this, open the server from Berth and do it there.";

  private CrossOriginPolicy() {}

  /** Why the request must be refused, or empty when it may go on to the access check. */
  static Optional<String> refusal(HttpRequest request, String ownOrigin) {
    HttpHeaders headers = request.headers();
    String origin = headers.get(HttpHeaderNames.ORIGIN);
    if (origin != null && !origin.strip().equalsIgnoreCase(ownOrigin)) {
      return Optional.of("Origin " + origin);
    }
    String site = headers.get("Sec-Fetch-Site");
    if (site == null) {
      return Optional.empty();
    }
    boolean fromElsewhere =
        site.equalsIgnoreCase("same-site") || site.equalsIgnoreCase("cross-site");
    if (changesState(request)) {
      return fromElsewhere
              || !(site.equalsIgnoreCase("same-origin") || site.equalsIgnoreCase("none"))
          ? Optional.of("Sec-Fetch-Site " + site)
          : Optional.empty();
    }
    String mode = headers.get("Sec-Fetch-Mode");
    if (fromElsewhere && mode != null && !mode.equalsIgnoreCase("navigate")) {
      return Optional.of("Sec-Fetch-Site " + site + ", Sec-Fetch-Mode " + mode);
    }
    return Optional.empty();
  }

  /** Any method but GET, HEAD and OPTIONS, and every WebSocket handshake. */
  static boolean changesState(HttpRequest request) {
    HttpMethod method = request.method();
    boolean safe =
        method.equals(HttpMethod.GET)
            || method.equals(HttpMethod.HEAD)
            || method.equals(HttpMethod.OPTIONS);
    return !safe || isUpgrade(request);
  }

  static boolean isUpgrade(HttpRequest request) {
    String upgrade = request.headers().get(HttpHeaderNames.UPGRADE);
    return upgrade != null && !upgrade.isBlank();
  }
}
