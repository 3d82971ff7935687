package org.berth.portal.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.ClientCookieEncoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.CookieHeaderNames;
import io.netty.handler.codec.http.cookie.DefaultCookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.netty.handler.codec.http.cookie.ServerCookieEncoder;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.berth.launch.Route;
import org.berth.portal.auth.LocalRedirect;
import org.berth.portal.auth.TokenService;
import org.berth.portal.proxy.ProxyPages.Refusal;
import org.berth.sharing.Role;
import org.berth.sharing.Visit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One browser (or script) connection to a server's origin. Every request on it is authorised before
 * it is forwarded; the connection is held (auto-read off) while that happens, so no byte of an
 * unauthorised request reaches a server. A WebSocket upgrade that the server accepts turns the
 * connection into a plain byte tunnel.
 */
final class FrontendHandler extends ChannelInboundHandlerAdapter {

  private static final Logger LOG = LoggerFactory.getLogger(FrontendHandler.class);
  private final OriginAccess access;
  private final ServerDirectory directory;
  private final ProxyPages pages;
  private final VisitTokens visitTokens;
  private final Admission admission;
  private final ArrayDeque<Object> held = new ArrayDeque<>();
  private Channel backend;
  private String backendServerId;
  private boolean waiting;
  private boolean tunnel;

  /** The CORS origin to allow on the answer to the request being forwarded (visit tokens only). */
  private volatile String corsOrigin;

  FrontendHandler(
      OriginAccess access,
      ServerDirectory directory,
      ProxyPages pages,
      Admission admission,
      VisitTokens visitTokens) {
    this.admission = admission;
    this.visitTokens = visitTokens;
    this.access = access;
    this.directory = directory;
    this.pages = pages;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (tunnel) {
      if (msg instanceof ByteBuf) {
        backend.writeAndFlush(msg);
      } else {
        ReferenceCountUtil.release(msg);
      }
      return;
    }
    if (waiting) {
      held.add(msg);
      return;
    }
    if (msg instanceof HttpRequest request) {
      onRequest(ctx, request);
      return;
    }
    if (msg instanceof HttpContent content && backend != null && backend.isActive()) {
      backend.write(content);
      if (content instanceof LastHttpContent) {
        backend.flush();
      }
      return;
    }
    ReferenceCountUtil.release(msg);
  }

  private void onRequest(ChannelHandlerContext ctx, HttpRequest request) {
    hold(ctx);
    Optional<String> serverId = access.serverIdOf(request.headers().get(HttpHeaderNames.HOST));
    if (serverId.isEmpty()) {
      refuse(ctx, request, Refusal.NOT_HERE);
      return;
    }
    String id = serverId.get();
    QueryStringDecoder uri = new QueryStringDecoder(request.uri());
    corsOrigin = null;
    // A Binder client's page (Thebe, on another site) holds its visit's token: no ambient
    // credential a browser adds by itself, so the cross-site checks below are not for it.
    if (answeredForAVisitToken(ctx, request, id, uri)) {
      return;
    }
    if (refusedAsCrossOrigin(ctx, request, id)) {
      return;
    }
    if (uri.path().equals(OriginAccess.HANDOFF_PATH)) {
      handoff(ctx, request, id, uri);
      return;
    }
    Optional<String> token = berthToken(request.headers().get(HttpHeaderNames.AUTHORIZATION));
    CompletableFuture<Optional<String>> user =
        token.isPresent()
            ? access.userOfToken(token.get())
            : access.userOfCookie(id, cookie(request, access.cookieName()));
    if (user.isDone()) {
      // A cookie known in memory answers at once: no hop through the event loop's task queue.
      decide(ctx, request, id, token.isPresent(), user.join(), null);
      return;
    }
    ctx.channel().config().setAutoRead(false);
    user.whenComplete(
        (who, error) ->
            ctx.executor().execute(() -> decide(ctx, request, id, token.isPresent(), who, error)));
  }

  private void decide(
      ChannelHandlerContext ctx,
      HttpRequest request,
      String serverId,
      boolean byToken,
      Optional<String> user,
      Throwable error) {
    if (error != null) {
      LOG.warn("Could not check access to server {}", serverId, error);
      refuse(ctx, request, Refusal.CHECK_FAILED);
      return;
    }
    Optional<Route> route = directory.find(serverId);
    if (user.isEmpty() || route.isEmpty()) {
      refuse(ctx, request, refusal(byToken, user.isPresent(), route.isPresent()));
      return;
    }
    CompletableFuture<Role> role = admission.role(serverId, route.get(), user);
    if (role.isDone()) {
      admit(ctx, request, serverId, byToken, route.get(), role.join(), null);
      return;
    }
    ctx.channel().config().setAutoRead(false);
    role.whenComplete(
        (r, e) ->
            ctx.executor()
                .execute(() -> admit(ctx, request, serverId, byToken, route.get(), r, e)));
  }

  /** Forwards a request whose sender the access decision admits; refuses it otherwise. */
  private void admit(
      ChannelHandlerContext ctx,
      HttpRequest request,
      String serverId,
      boolean byToken,
      Route route,
      Role role,
      Throwable error) {
    if (error != null) {
      LOG.warn("Could not check access to server {}", serverId, error);
      refuse(ctx, request, Refusal.CHECK_FAILED);
      return;
    }
    if (!role.admitted()) {
      refuse(ctx, request, refusal(byToken, true, true));
      return;
    }
    admission.admitted(serverId, role, ctx.channel());
    forward(ctx, request, route);
  }

  /**
   * A request to a visit's origin with that visit's token (see {@link VisitTokens}): forwarded as
   * the visit, from any site, its answer readable by the page's origin when CORS allows it; and a
   * CORS preflight on a visit's origin, answered here (it carries no credentials). Anything else
   * goes on to the usual checks.
   */
  private boolean answeredForAVisitToken(
      ChannelHandlerContext ctx, HttpRequest request, String serverId, QueryStringDecoder uri) {
    if (VisitTokens.isPreflight(request)
        && directory.find(serverId).filter(VisitTokens::isVisit).isPresent()) {
      ReferenceCountUtil.release(request);
      ctx.writeAndFlush(visitTokens.preflight(request));
      dropBodyThenResume(ctx);
      return true;
    }
    Optional<Visit> visit = admission.visitOfToken(serverId, visitToken(request, uri));
    if (visit.isEmpty()) {
      return false;
    }
    Optional<Route> route = directory.find(serverId);
    if (route.isEmpty()) {
      refuse(ctx, request, Refusal.NOT_RUNNING);
      return true;
    }
    admission.admitted(serverId, Role.VISITOR, ctx.channel());
    corsOrigin = visitTokens.allowOrigin(request).orElse(null);
    forward(ctx, request, route.get());
    return true;
  }

  /** The CORS origin the answer now on its way back may be read from, or null. */
  String corsOrigin() {
    return corsOrigin;
  }

  /**
   * Refuses a request that another site made the browser send (see {@link CrossOriginPolicy}).
   * Checked before anything else, so the answer says nothing about who may open the server.
   */
  private boolean refusedAsCrossOrigin(
      ChannelHandlerContext ctx, HttpRequest request, String serverId) {
    Optional<String> why = CrossOriginPolicy.refusal(request, access.origin(serverId));
    if (why.isEmpty()) {
      return false;
    }
    LOG.info(
        "Refused {} {} to server {} from another site ({})",
        request.method(),
        new QueryStringDecoder(request.uri()).path(),
        serverId,
        why.get());
    refuse(ctx, request, Refusal.CROSS_SITE);
    return true;
  }

  private void forward(ChannelHandlerContext ctx, HttpRequest request, Route route) {
    stripBerthCredentials(request);
    authenticateAsTheProxy(request, route);
    directory.touch(route.serverId());
    if (backend != null && backend.isActive() && route.serverId().equals(backendServerId)) {
      send(ctx, request);
      return;
    }
    if (backend != null) {
      backend.close();
    }
    backendServerId = route.serverId();
    Bootstrap bootstrap =
        new Bootstrap()
            .group(ctx.channel().eventLoop())
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
            .handler(
                new io.netty.channel.ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast(ProxyHandlers.CLIENT_CODEC, new HttpClientCodec())
                        .addLast(
                            new BackendHandler(
                                ctx.channel(), FrontendHandler.this, new TokenMask(route.token())));
                  }
                });
    ChannelFuture connect = bootstrap.connect(route.host(), route.port());
    backend = connect.channel();
    connect.addListener(
        (ChannelFutureListener)
            f -> {
              if (f.isSuccess()) {
                send(ctx, request);
              } else {
                LOG.info("Server {} is not answering: {}", route, f.cause().toString());
                refuse(ctx, request, Refusal.NOT_ANSWERING);
              }
            });
  }

  private void send(ChannelHandlerContext ctx, HttpRequest request) {
    backend.write(request);
    if (request instanceof LastHttpContent) {
      backend.flush();
    }
    resume(ctx);
  }

  private void handoff(
      ChannelHandlerContext ctx, HttpRequest request, String serverId, QueryStringDecoder uri) {
    List<String> codes = uri.parameters().getOrDefault("code", List.of());
    Optional<String> cookie =
        codes.size() == 1 ? access.redeem(serverId, codes.get(0)) : Optional.empty();
    if (cookie.isEmpty()) {
      refuse(ctx, request, Refusal.LINK_USED);
      return;
    }
    List<String> next = uri.parameters().getOrDefault("next", List.of("/"));
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SEE_OTHER);
    response.headers().set(HttpHeaderNames.LOCATION, LocalRedirect.path(next.get(0)));
    response.headers().set(HttpHeaderNames.SET_COOKIE, originCookie(cookie.get()));
    response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
    ReferenceCountUtil.release(request);
    ctx.writeAndFlush(response);
    dropBodyThenResume(ctx);
  }

  /**
   * The origin's own sign-in cookie: host-only, HttpOnly, SameSite=Lax; on https also Secure and
   * named with the {@code __Host-} prefix, so that no other origin of the same site can set or
   * shadow it (see {@link OriginAccess#cookieName()}).
   */
  private String originCookie(String value) {
    DefaultCookie cookie = new DefaultCookie(access.cookieName(), value);
    cookie.setHttpOnly(true);
    cookie.setPath("/");
    cookie.setSameSite(CookieHeaderNames.SameSite.Lax);
    cookie.setSecure(access.secureCookies());
    cookie.setMaxAge(access.originSessionTtlSeconds());
    return ServerCookieEncoder.STRICT.encode(cookie);
  }

  /** Switches to a byte tunnel once the server has accepted a WebSocket upgrade. */
  void upgraded(ChannelHandlerContext ctx) {
    tunnel = true;
    if (ctx.pipeline().get(ProxyHandlers.KEEP_ALIVE) != null) {
      ctx.pipeline().remove(ProxyHandlers.KEEP_ALIVE);
    }
    ctx.pipeline().remove(ProxyHandlers.SERVER_CODEC);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (backend != null) {
      backend.close();
    }
    held.forEach(ReferenceCountUtil::release);
    held.clear();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("Proxy connection failed", cause);
    ctx.close();
  }

  private void hold(ChannelHandlerContext ctx) {
    // Messages that arrive meanwhile are queued in order; reading pauses only if the wait is long.
    waiting = true;
  }

  private void resume(ChannelHandlerContext ctx) {
    waiting = false;
    while (!waiting && !tunnel && !held.isEmpty()) {
      channelRead(ctx, held.poll());
    }
    if (!waiting && !ctx.channel().config().isAutoRead()) {
      ctx.channel().config().setAutoRead(true);
    }
  }

  /** After answering a request ourselves, its body (if any) must not be forwarded. */
  private void dropBodyThenResume(ChannelHandlerContext ctx) {
    while (!held.isEmpty() && !(held.peek() instanceof HttpRequest)) {
      ReferenceCountUtil.release(held.poll());
    }
    resume(ctx);
  }

  /**
   * Why a request that may not through is refused. A browser learns nothing about which servers
   * exist, except that the one its own origin cookie was issued for is not running; a script with a
   * valid token is told plainly that it may not.
   */
  private static Refusal refusal(boolean byToken, boolean knownUser, boolean running) {
    if (byToken && knownUser) {
      return running ? Refusal.TOKEN_NOT_ALLOWED : Refusal.NOT_HERE;
    }
    return knownUser && !running ? Refusal.NOT_RUNNING : Refusal.NOT_HERE;
  }

  private void refuse(ChannelHandlerContext ctx, HttpRequest request, Refusal refusal) {
    FullHttpResponse response = pages.answer(request, refusal);
    ReferenceCountUtil.release(request);
    held.forEach(ReferenceCountUtil::release);
    held.clear();
    ProxyHandlers.refuse(ctx.channel(), response);
  }

  /**
   * The proxy, not the browser, proves who it is to the server: with the server's token in a
   * header, and with no {@code ?token=} of the browser's (Jupyter would prefer that one). Bodies
   * come back unencoded so that {@link TokenMask} can read them.
   */
  private static void authenticateAsTheProxy(HttpRequest request, Route route) {
    request.headers().set(HttpHeaderNames.AUTHORIZATION, "token " + route.token());
    request.headers().remove(HttpHeaderNames.ACCEPT_ENCODING);
    request.setUri(withoutTokenParameter(request.uri()));
  }

  /** The URI without any {@code token} query parameter. */
  static String withoutTokenParameter(String uri) {
    int q = uri.indexOf('?');
    if (q < 0 || !uri.contains("token")) {
      return uri;
    }
    StringBuilder kept = new StringBuilder(uri.length());
    for (String part : uri.substring(q + 1).split("&", -1)) {
      String name = part.contains("=") ? part.substring(0, part.indexOf('=')) : part;
      if (!name.equals("token") && !part.isEmpty()) {
        kept.append(kept.length() == 0 ? "" : "&").append(part);
      }
    }
    return uri.substring(0, q) + (kept.length() == 0 ? "" : "?" + kept);
  }

  /** Berth's own credentials are for Berth: the server never sees them. */
  private static void stripBerthCredentials(HttpRequest request) {
    request.headers().remove(HttpHeaderNames.AUTHORIZATION);
    String header = request.headers().get(HttpHeaderNames.COOKIE);
    if (header == null) {
      return;
    }
    Set<Cookie> cookies = ServerCookieDecoder.LAX.decode(header);
    cookies.removeIf(c -> c.name().startsWith("berth_") || c.name().startsWith("__Host-berth_"));
    if (cookies.isEmpty()) {
      request.headers().remove(HttpHeaderNames.COOKIE);
    } else {
      request.headers().set(HttpHeaderNames.COOKIE, ClientCookieEncoder.LAX.encode(cookies));
    }
  }

  private static String cookie(HttpRequest request, String name) {
    String header = request.headers().get(HttpHeaderNames.COOKIE);
    if (header == null) {
      return null;
    }
    return ServerCookieDecoder.LAX.decode(header).stream()
        .filter(c -> c.name().equals(name))
        .map(Cookie::value)
        .findFirst()
        .orElse(null);
  }

  /** A Berth API token sent as {@code Bearer} or, as JupyterHub allows, {@code token}. */
  /**
   * A token a Binder client presents for a visit: {@code Authorization: token …} (not a Berth API
   * token), or {@code ?token=} on WebSocket addresses as Jupyter clients send it.
   */
  private static Optional<String> visitToken(HttpRequest request, QueryStringDecoder uri) {
    String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
    if (authorization != null) {
      String[] parts = authorization.strip().split("\\s+", 2);
      if (parts.length == 2
          && parts[0].equalsIgnoreCase("token")
          && !parts[1].startsWith(TokenService.PREFIX)) {
        return Optional.of(parts[1]);
      }
    }
    List<String> query = uri.parameters().getOrDefault("token", List.of());
    return query.size() == 1 ? Optional.of(query.get(0)) : Optional.empty();
  }

  private static Optional<String> berthToken(String authorization) {
    if (authorization == null) {
      return Optional.empty();
    }
    String[] parts = authorization.strip().split("\\s+", 2);
    if (parts.length == 2
        && (parts[0].equalsIgnoreCase("bearer") || parts[0].equalsIgnoreCase("token"))
        && parts[1].startsWith(TokenService.PREFIX)) {
      return Optional.of(parts[1]);
    }
    return Optional.empty();
  }
}
