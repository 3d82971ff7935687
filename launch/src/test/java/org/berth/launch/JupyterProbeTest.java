package org.berth.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The one Jupyter status probe, against a stand-in status endpoint served in-process. */
class JupyterProbeTest {

  @Test
  void readsLastActivityFromTheStatusAndNeedsTheToken() throws Exception {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/user/a/s/api/status",
        exchange -> {
          boolean ok =
              "token sekret".equals(exchange.getRequestHeaders().getFirst("Authorization"));
          byte[] body =
              ok
                  ? "{\"started\": \"2026-11-27T09:00:00.000000Z\", \"last_activity\": \"2026-11-27T09:30:00.123456Z\", \"kernels\": 1}"
                      .getBytes(StandardCharsets.UTF_8)
                  : new byte[0];
          exchange.sendResponseHeaders(ok ? 200 : 403, ok ? body.length : -1);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    try {
      JupyterProbe probe = new JupyterProbe(Duration.ofSeconds(2));
      int port = server.getAddress().getPort();
      Route route =
          new Route("s1", new UserName("a"), new ServerName("s"), "127.0.0.1", port, "sekret");
      assertEquals(
          Optional.of(Instant.parse("2026-11-27T09:30:00.123456Z")), probe.lastActivity(route));
      assertTrue(probe.answers("127.0.0.1", port, "/user/a/s/", "sekret"));
      assertFalse(probe.answers("127.0.0.1", port, "/user/a/s/", "wrong"));
    } finally {
      server.stop(0);
    }
  }

  @Test
  void aStatusWithoutActivityOrAServerThatIsGoneTellsNothing() {
    assertEquals(Optional.empty(), JupyterProbe.parseLastActivity("{\"kernels\": 0}"));
    assertEquals(Optional.empty(), JupyterProbe.parseLastActivity("{\"last_activity\": \"soon\"}"));
    Route gone = new Route("s1", new UserName("a"), new ServerName("s"), "127.0.0.1", 1, "t");
    assertEquals(Optional.empty(), new JupyterProbe(Duration.ofMillis(300)).lastActivity(gone));
  }
}
