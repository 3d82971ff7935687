package org.berth.portal.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;

/** Names and small responses shared by the proxy's two handlers. */
final class ProxyHandlers {

  static final String SERVER_CODEC = "http-server-codec";
  static final String KEEP_ALIVE = "http-keep-alive";
  static final String CLIENT_CODEC = "http-client-codec";

  private ProxyHandlers() {}

  /**
   * Answers with {@code response} and closes the connection (the rest of the request is dropped).
   */
  static void refuse(Channel channel, FullHttpResponse response) {
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    channel.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }
}
