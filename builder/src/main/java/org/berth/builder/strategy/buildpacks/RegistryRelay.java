package org.berth.builder.strategy.buildpacks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Lets one buildpacks builder container push to a registry that listens on this host's loopback,
 * which a container on the build network cannot reach: a TCP relay on the build network's gateway
 * that serves only that container's address, for one build. Every other container (another build's
 * step, a server) is disconnected at once, so no build but this one can write to the registry.
 */
final class RegistryRelay implements AutoCloseable {
  private final ServerSocket server;
  private final String registryHost;
  private final int registryPort;
  private final CompletableFuture<InetAddress> allowed = new CompletableFuture<>();
  private final List<Socket> open = new CopyOnWriteArrayList<>();

  /**
   * @param gateway the address to listen on (the build network's gateway)
   * @param registry the registry's {@code host:port} on this host
   */
  RegistryRelay(String gateway, String registry) throws IOException {
    int colon = registry.lastIndexOf(':');
    this.registryHost = colon > 0 ? registry.substring(0, colon) : registry;
    this.registryPort = colon > 0 ? Integer.parseInt(registry.substring(colon + 1)) : 80;
    this.server = new ServerSocket();
    server.bind(new InetSocketAddress(gateway, 0), 16);
    Thread acceptor = new Thread(this::accept, "berth-registry-relay");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Whether a registry must be relayed: it listens on loopback, which containers cannot reach. */
  static boolean needed(String registry) {
    String host = registry.replaceAll(":\\d+$", "").replaceAll("^\\[|]$", "");
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (IOException e) {
      return false;
    }
  }

  /** {@code gateway:port}, the registry's address for the builder container. */
  String address() {
    return server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
  }

  /** The one container address served; connections wait for it (the container starts first). */
  void allow(InetAddress container) {
    allowed.complete(container);
  }

  private void accept() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      open.add(client);
      Thread t = new Thread(() -> serve(client), "berth-registry-relay-conn");
      t.setDaemon(true);
      t.start();
    }
  }

  private void serve(Socket client) {
    try (client) {
      InetAddress who;
      try {
        who = allowed.get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        return;
      }
      if (!who.equals(client.getInetAddress())) {
        return; // not the builder of this build
      }
      try (Socket registry = new Socket(registryHost, registryPort)) {
        open.add(registry);
        client.setTcpNoDelay(true);
        registry.setTcpNoDelay(true);
        Thread up = pump(client.getInputStream(), registry.getOutputStream(), registry);
        pump(registry.getInputStream(), client.getOutputStream(), client).join();
        up.join();
      }
    } catch (IOException e) {
      // one side went away
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      open.remove(client);
    }
  }

  private static Thread pump(InputStream in, OutputStream out, Socket to) {
    Thread t =
        new Thread(
            () -> {
              try {
                in.transferTo(out);
                to.shutdownOutput();
              } catch (IOException e) {
                // the other side closed
              }
            },
            "berth-registry-relay-pump");
    t.setDaemon(true);
    t.start();
    return t;
  }

  @Override
  public void close() {
    allowed.completeExceptionally(new IOException("relay closed"));
    try {
      server.close();
    } catch (IOException e) {
      // already closed
    }
    for (Socket s : open) {
      try {
        s.close();
      } catch (IOException e) {
        // already closed
      }
    }
  }
}
