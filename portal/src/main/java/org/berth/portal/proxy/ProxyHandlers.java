package org.berth.portal.proxy;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** Names and small responses shared by the proxy's two handlers. */
final class ProxyHandlers {

  static final String SERVER_CODEC = "http-server-codec";
  static final String KEEP_ALIVE = "http-keep-alive";
  static final String CLIENT_CODEC = "http-client-codec";

  private ProxyHandlers() {}

  /** Answers with a short page and closes the connection (the rest of the request is dropped). */
  static void refuse(Channel channel, HttpResponseStatus status, String message) {
    FullHttpResponse response = text(status, message);
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    channel.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  static FullHttpResponse text(HttpResponseStatus status, String message) {
    byte[] body =
        ("<!DOCTYPE html><title>" + status.reasonPhrase() + "</title><p>" + message + "</p>")
            .getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    return response;
  }
}
