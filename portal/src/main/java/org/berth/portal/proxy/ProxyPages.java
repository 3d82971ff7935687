package org.berth.portal.proxy;

import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Value;
import io.micronaut.runtime.server.EmbeddedServer;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The pages the proxy answers with itself on a server's origin: no server here, not running, not
 * answering, and the like. Each is one self-contained HTML page (its style inline, allowed by a
 * hash in its own Content-Security-Policy; no script) with a link back to the portal, because
 * nothing of the portal's may be loaded from a server's origin. Clients that do not ask for HTML (a
 * notebook's own requests, scripts) get {@code {"status", "error"}} JSON as from Berth's API.
 */
@Singleton
final class ProxyPages {

  /** Why the proxy answers a request itself. */
  enum Refusal {
    NOT_HERE(
        HttpResponseStatus.NOT_FOUND,
        "No server here",
        "There is no server at this address, or you may not open it. Open your servers from"
            + " Berth."),
    NOT_RUNNING(
        HttpResponseStatus.SERVICE_UNAVAILABLE,
        "Server not running",
        "This server is not running: it was stopped or deleted. Start it again from your servers"
            + " in Berth."),
    NOT_ANSWERING(
        HttpResponseStatus.BAD_GATEWAY,
        "Server not answering",
        "The server is not answering. It may be starting or stopping: wait a moment and reload,"
            + " or open it again from Berth."),
    TOKEN_NOT_ALLOWED(
        HttpResponseStatus.FORBIDDEN,
        "Not allowed",
        "Your token does not give access to this server."),
    LINK_USED(
        HttpResponseStatus.FORBIDDEN,
        "Link expired",
        "This sign-in link has been used or has expired. Open the server again from Berth."),
    CROSS_SITE(HttpResponseStatus.FORBIDDEN, "Refused", CrossOriginPolicy.REFUSED),
    CHECK_FAILED(
        HttpResponseStatus.SERVICE_UNAVAILABLE,
        "Try again",
        "Berth could not check who may open this server. Try again in a moment.");

    final HttpResponseStatus status;
    final String title;
    final String message;

    Refusal(HttpResponseStatus status, String title, String message) {
      this.status = status;
      this.title = title;
      this.message = message;
    }
  }

  // The portal's look in a few rules, inline: a server's origin must not load the portal's files.
  private static final String STYLE =
      "body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#1d2733;background:#f7f9fb}"
          + "header{padding:.6rem 1.5rem;background:#fff;border-bottom:1px solid #cfd6df}"
          + "header a{font-weight:700;font-size:1.2rem;color:#0b6e4f;text-decoration:none}"
          + "main{max-width:30rem;margin:2rem auto;padding:0 1.5rem;overflow-wrap:anywhere}"
          + "h1{font-size:1.6rem;line-height:1.25}.status{color:#56616f}"
          + ".button{display:inline-block;padding:.45rem 1rem;border-radius:4px;font-weight:600;"
          + "background:#0b6e4f;color:#fff;text-decoration:none}"
          + "a:focus-visible{outline:3px solid #1a4fd6;outline-offset:2px}";
  private static final String POLICY =
      "default-src 'none'; style-src '"
          + sha256(STYLE)
          + "'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private final String configuredPortal;
  private final BeanProvider<EmbeddedServer> server;
  private volatile String portal;

  ProxyPages(@Value("${berth.portal-url:}") String portalUrl, BeanProvider<EmbeddedServer> server) {
    this.configuredPortal = portalUrl == null ? "" : portalUrl.strip().replaceAll("/+$", "");
    this.server = server;
  }

  /** The portal's address as browsers see it: {@code berth.portal-url}, else where it listens. */
  String portal() {
    if (!configuredPortal.isEmpty()) {
      return configuredPortal;
    }
    String known = portal;
    if (known == null) {
      known = server.find(null).map(s -> s.getURL().toString().replaceAll("/+$", "")).orElse("");
      portal = known.isEmpty() ? null : known;
    }
    return known;
  }

  /** The answer to {@code request} for {@code refusal}: a page for browsers, JSON otherwise. */
  FullHttpResponse answer(HttpRequest request, Refusal refusal) {
    String accept = request == null ? null : request.headers().get(HttpHeaderNames.ACCEPT);
    boolean html = accept != null && accept.toLowerCase().contains("text/html");
    return html ? page(refusal) : json(refusal);
  }

  FullHttpResponse page(Refusal refusal) {
    String servers = escape(portal() + "/servers");
    String body =
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            + "<title>"
            + refusal.title
            + " · Berth</title><style>"
            + STYLE
            + "</style></head><body><header><a href=\""
            + escape(portal() + "/")
            + "\">Berth</a></header><main><h1>"
            + refusal.title
            + "</h1><p id=\"error-message\">"
            + refusal.message
            + "</p><p class=\"status\">Error "
            + refusal.status.code()
            + "</p><p><a id=\"back-link\" class=\"button\" href=\""
            + servers
            + "\">My servers</a></p></main></body></html>";
    FullHttpResponse response = response(refusal.status, body, "text/html; charset=utf-8");
    response.headers().set("Content-Security-Policy", POLICY);
    return response;
  }

  private static FullHttpResponse json(Refusal refusal) {
    String body =
        "{\"status\":"
            + refusal.status.code()
            + ",\"error\":\""
            + refusal.message.replace("\"", "\\\"")
            + "\"}";
    return response(refusal.status, body, "application/json");
  }

  private static FullHttpResponse response(HttpResponseStatus status, String text, String type) {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    response.headers().set("X-Content-Type-Options", "nosniff");
    return response;
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;");
  }

  private static String sha256(String s) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return "sha256-" + Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
