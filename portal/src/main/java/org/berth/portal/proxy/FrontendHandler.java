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
import org.berth.portal.auth.TokenService;
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
  private static final String NOT_HERE =
      "There is no server here, or you may not open it. Open your servers from Berth.";

  private final OriginAccess access;
  private final ServerDirectory directory;
  private final ArrayDeque<Object> held = new ArrayDeque<>();
  private Channel backend;
  private String backendServerId;
  private boolean waiting;
  private boolean tunnel;

  FrontendHandler(OriginAccess access, ServerDirectory directory) {
    this.access = access;
    this.directory = directory;
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
      refuse(ctx, request, HttpResponseStatus.NOT_FOUND, NOT_HERE);
      return;
    }
    String id = serverId.get();
    QueryStringDecoder uri = new QueryStringDecoder(request.uri());
    if (uri.path().equals(OriginAccess.HANDOFF_PATH)) {
      handoff(ctx, request, id, uri);
      return;
    }
    Optional<String> token = berthToken(request.headers().get(HttpHeaderNames.AUTHORIZATION));
    CompletableFuture<Optional<String>> user =
        token.isPresent()
            ? access.userOfToken(token.get())
            : access.userOfCookie(id, cookie(request, OriginAccess.COOKIE));
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
      refuse(ctx, request, HttpResponseStatus.SERVICE_UNAVAILABLE, "Berth could not check access.");
      return;
    }
    Optional<Route> route = directory.find(serverId);
    if (user.isEmpty() || route.isEmpty() || !route.get().owner().value().equals(user.get())) {
      // A browser learns nothing about which servers exist; a script with a valid token is told
      // plainly that it may not.
      boolean forbidden = byToken && user.isPresent();
      refuse(
          ctx,
          request,
          forbidden ? HttpResponseStatus.FORBIDDEN : HttpResponseStatus.NOT_FOUND,
          forbidden ? "Your token does not give access to this server." : NOT_HERE);
      return;
    }
    forward(ctx, request, route.get());
  }

  private void forward(ChannelHandlerContext ctx, HttpRequest request, Route route) {
    stripBerthCredentials(request);
    request.headers().set(HttpHeaderNames.AUTHORIZATION, "token " + route.token());
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
                        .addLast(new BackendHandler(ctx.channel(), FrontendHandler.this));
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
                refuse(
                    ctx,
                    request,
                    HttpResponseStatus.BAD_GATEWAY,
                    "The server is not answering. It may be starting or stopped.");
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
      refuse(
          ctx,
          request,
          HttpResponseStatus.FORBIDDEN,
          "This sign-in link has been used or has expired. Open the server again from Berth.");
      return;
    }
    List<String> next = uri.parameters().getOrDefault("next", List.of("/"));
    DefaultCookie originCookie = new DefaultCookie(OriginAccess.COOKIE, cookie.get());
    originCookie.setHttpOnly(true);
    originCookie.setPath("/");
    originCookie.setSameSite(CookieHeaderNames.SameSite.Lax);
    originCookie.setMaxAge(access.originSessionTtlSeconds());
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SEE_OTHER);
    response.headers().set(HttpHeaderNames.LOCATION, OriginAccess.safeNext(next.get(0)));
    response
        .headers()
        .set(HttpHeaderNames.SET_COOKIE, ServerCookieEncoder.STRICT.encode(originCookie));
    response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
    ReferenceCountUtil.release(request);
    ctx.writeAndFlush(response);
    dropBodyThenResume(ctx);
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

  private void refuse(
      ChannelHandlerContext ctx, HttpRequest request, HttpResponseStatus status, String message) {
    ReferenceCountUtil.release(request);
    held.forEach(ReferenceCountUtil::release);
    held.clear();
    ProxyHandlers.refuse(ctx.channel(), status, message);
  }

  /** Berth's own credentials are for Berth: the server never sees them. */
  private static void stripBerthCredentials(HttpRequest request) {
    request.headers().remove(HttpHeaderNames.AUTHORIZATION);
    String header = request.headers().get(HttpHeaderNames.COOKIE);
    if (header == null) {
      return;
    }
    Set<Cookie> cookies = ServerCookieDecoder.LAX.decode(header);
    cookies.removeIf(c -> c.name().startsWith("berth_"));
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
