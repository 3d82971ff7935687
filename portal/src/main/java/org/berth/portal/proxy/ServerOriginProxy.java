package org.berth.portal.proxy;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import jakarta.annotation.PreDestroy;
import java.net.InetSocketAddress;
import org.berth.portal.servers.BinderConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves every server's own origin ({@code http://{server-id}.localhost:8081/}) on a port of its
 * own, forwarding HTTP and WebSocket traffic to the server after checking who sent each request.
 * Netty directly, because Micronaut's proxy client cannot carry WebSocket upgrades.
 */
@Context
@Requires(property = "berth.proxy.enabled", notEquals = "false")
public class ServerOriginProxy {

  private static final Logger LOG = LoggerFactory.getLogger(ServerOriginProxy.class);

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  private final Channel channel;

  ServerOriginProxy(
      ProxyConfiguration config,
      OriginAccess access,
      ServerDirectory directory,
      ProxyPages pages,
      Admission admission,
      BinderConfiguration binder)
      throws InterruptedException {
    VisitTokens visitTokens = new VisitTokens(binder);
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(ProxyHandlers.SERVER_CODEC, new HttpServerCodec())
                        .addLast(ProxyHandlers.KEEP_ALIVE, new HttpServerKeepAliveHandler())
                        .addLast(
                            new FrontendHandler(access, directory, pages, admission, visitTokens));
                  }
                });
    this.channel =
        bootstrap.bind(new InetSocketAddress(config.getBind(), config.getPort())).sync().channel();
    int port = ((InetSocketAddress) channel.localAddress()).getPort();
    access.listeningOn(port);
    LOG.info("Serving server origins on {}:{} (*.{})", config.getBind(), port, config.getDomain());
  }

  /** The port the proxy listens on. */
  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  @PreDestroy
  void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS);
  }
}
