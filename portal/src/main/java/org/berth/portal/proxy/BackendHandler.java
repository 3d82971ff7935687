package org.berth.portal.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/** Carries a server's responses back to the browser; both channels share one event loop. */
final class BackendHandler extends ChannelInboundHandlerAdapter {

  private final Channel frontend;
  private final FrontendHandler frontendHandler;
  private final TokenMask mask;
  private boolean tunnel;

  BackendHandler(Channel frontend, FrontendHandler frontendHandler, TokenMask mask) {
    this.frontend = frontend;
    this.frontendHandler = frontendHandler;
    this.mask = mask;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (tunnel) {
      if (msg instanceof ByteBuf) {
        frontend.writeAndFlush(msg);
      } else {
        ReferenceCountUtil.release(msg);
      }
      return;
    }
    if (msg instanceof HttpResponse response
        && response.status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
      tunnel = true;
      frontend.writeAndFlush(msg);
      frontendHandler.upgraded(frontend.pipeline().context(frontendHandler));
      ctx.pipeline().remove(ProxyHandlers.CLIENT_CODEC);
      return;
    }
    if (msg instanceof HttpObject) {
      msg = masked((HttpObject) msg);
      frontend.write(msg);
      if (msg instanceof LastHttpContent) {
        frontend.flush();
      }
      return;
    }
    ReferenceCountUtil.release(msg);
  }

  /** The server's token never reaches the browser (see {@link TokenMask}). */
  private HttpObject masked(HttpObject msg) {
    if (msg instanceof HttpResponse response) {
      mask.headers(response.headers());
      String cors = frontendHandler.corsOrigin();
      if (cors != null) {
        response.headers().set("Access-Control-Allow-Origin", cors);
        response.headers().add("Vary", "Origin");
      }
    }
    if (msg instanceof HttpContent content) {
      return content.replace(mask.body(content.content(), msg instanceof LastHttpContent));
    }
    return msg;
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (frontend.isActive()) {
      frontend.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
