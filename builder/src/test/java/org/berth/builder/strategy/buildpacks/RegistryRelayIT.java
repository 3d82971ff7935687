package org.berth.builder.strategy.buildpacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The relay to a loopback registry serves the one builder container, no other client. */
class RegistryRelayIT {
  @Test
  void relaysOnlyTheAllowedAddress() throws Exception {
    AtomicInteger reached = new AtomicInteger();
    try (ServerSocket registry = new ServerSocket(0, 16, InetAddress.getByName("127.0.0.1"))) {
      Thread echo =
          new Thread(
              () -> {
                while (!registry.isClosed()) {
                  try (Socket s = registry.accept()) {
                    reached.incrementAndGet();
                    s.getOutputStream().write(s.getInputStream().read());
                  } catch (Exception e) {
                    return;
                  }
                }
              });
      echo.setDaemon(true);
      echo.start();
      try (RegistryRelay relay =
          new RegistryRelay("127.0.0.1", "127.0.0.1:" + registry.getLocalPort())) {
        relay.allow(InetAddress.getByName("127.0.0.2"));
        String[] at = relay.address().split(":");
        InetSocketAddress relayAddress = new InetSocketAddress(at[0], Integer.parseInt(at[1]));

        try (Socket other = new Socket()) {
          other.bind(new InetSocketAddress("127.0.0.3", 0));
          other.connect(relayAddress);
          other.getOutputStream().write(7);
          assertEquals(-1, other.getInputStream().read(), "another container is cut off");
        }
        assertEquals(0, reached.get(), "the registry saw no other client");

        try (Socket builder = new Socket()) {
          builder.bind(new InetSocketAddress("127.0.0.2", 0));
          builder.connect(relayAddress);
          OutputStream out = builder.getOutputStream();
          InputStream in = builder.getInputStream();
          out.write(42);
          out.flush();
          assertEquals(42, in.read(), "the builder reaches the registry");
        }
        assertEquals(1, reached.get());
      }
    }
  }

  @Test
  void isNeededOnlyForARegistryOnLoopback() {
    assertTrue(RegistryRelay.needed("127.0.0.1:5000"));
    assertTrue(RegistryRelay.needed("localhost:5000"));
    assertTrue(RegistryRelay.needed("[::1]:5000"));
    assertFalse(RegistryRelay.needed("192.0.2.10:5000"));
  }
}
