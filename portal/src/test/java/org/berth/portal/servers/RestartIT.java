package org.berth.portal.servers;

import static org.berth.portal.support.Accounts.PASSWORD;
import static org.berth.portal.support.Browserless.basic;
import static org.berth.portal.support.Browserless.bearer;
import static org.berth.portal.support.Engine.docker;
import static org.berth.portal.support.Engine.viaOrigin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.berth.imagecache.testing.TestRegistry;
import org.berth.portal.support.Accounts;
import org.berth.portal.support.Browserless;
import org.berth.portal.support.Engine;
import org.berth.portal.support.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Berth restarts while its servers run: a second Berth on the same database re-adopts them at start
 * (no call into it from the test), marks the one killed while it was down as stopped, and creates
 * no duplicate containers. Real engine, real PostgreSQL, real proxy.
 */
class RestartIT {

  @RegisterExtension static final TestRegistry REGISTRY = new TestRegistry();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int RUNNING = 5;
  private static final String INSTANCE = Engine.newInstance("rst");

  @AfterAll
  static void removeContainers() throws Exception {
    Engine.removeInstance(INSTANCE);
  }

  @Test
  void serversSurviveARestartOfBerthAndOneKilledMeanwhileIsMarkedStopped() throws Exception {
    Map<String, Object> properties = properties();
    String user;
    String token;
    List<String> serverIds = new ArrayList<>();
    String originCookie;
    try (EmbeddedServer first = ApplicationContext.run(EmbeddedServer.class, properties)) {
      Browserless browser = new Browserless(first.getURI());
      user = Accounts.signedIn(browser, "rst");
      token = token(first.getURI(), user);
      for (int i = 0; i <= RUNNING; i++) {
        HttpResponse<String> put = api(first.getURI(), "PUT", "/api/v1/servers/s" + i, "{}", token);
        assertEquals(201, put.statusCode(), put.body());
        serverIds.add(serverIdOf(JSON.readTree(put.body())));
      }
      // The owner's browser signs in to s0's origin through the hand-off link.
      HttpResponse<String> open = browser.get("/servers/s0/open");
      assertEquals(303, open.statusCode(), open.body());
      HttpResponse<String> handoff =
          Engine.viaOriginWith(open.headers().firstValue("Location").orElseThrow(), Map.of());
      originCookie =
          handoff.headers().allValues("Set-Cookie").stream()
              .filter(c -> c.startsWith("berth_origin="))
              .map(c -> c.substring(0, c.indexOf(';')))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no origin cookie: " + handoff.headers()));
    }
    // Berth is down; its servers keep running. One of them dies meanwhile.
    String killed = "berth-" + serverIds.get(RUNNING);
    docker("kill", killed);
    docker("wait", killed);
    List<String> containersBefore = Engine.containersLabelled("org.berth.owner=" + user);
    assertEquals(RUNNING + 1, containersBefore.size());

    try (EmbeddedServer second = ApplicationContext.run(EmbeddedServer.class, properties)) {
      URI portal = second.getURI();
      Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
      for (int i = 0; i < RUNNING; i++) {
        JsonNode server =
            JSON.readTree(api(portal, "GET", "/api/v1/servers/s" + i, null, token).body());
        assertEquals("RUNNING", server.get("state").asText(), server.toString());
        String status = server.get("url").asText() + "api/status";
        int code = viaOrigin(status, "Bearer " + token).statusCode();
        // Reconciliation at start registers the servers with the new proxy within moments.
        while (code != 200 && Instant.now().isBefore(deadline)) {
          Thread.sleep(200);
          code = viaOrigin(status, "Bearer " + token).statusCode();
        }
        assertEquals(200, code, "server s" + i + " is reachable through the restarted Berth");
      }
      // The browser's origin sign-in outlives the restart too.
      JsonNode s0 = JSON.readTree(api(portal, "GET", "/api/v1/servers/s0", null, token).body());
      assertEquals(
          200,
          Engine.viaOriginWith(
                  s0.get("url").asText() + "api/status", Map.of("Cookie", originCookie))
              .statusCode());
      assertEquals(
          404,
          Engine.viaOriginWith(
                  s0.get("url").asText() + "api/status",
                  Map.of("Cookie", "berth_origin=forged" + originCookie.substring(13)))
              .statusCode());
      JsonNode dead =
          JSON.readTree(api(portal, "GET", "/api/v1/servers/s" + RUNNING, null, token).body());
      while (!"STOPPED".equals(dead.get("state").asText()) && Instant.now().isBefore(deadline)) {
        Thread.sleep(200);
        dead = JSON.readTree(api(portal, "GET", "/api/v1/servers/s" + RUNNING, null, token).body());
      }
      assertEquals("STOPPED", dead.get("state").asText(), dead.toString());
      assertNotEquals(
          200,
          viaOrigin(dead.get("url").asText() + "api/status", "Bearer " + token).statusCode(),
          "a stopped server is not routed");
      assertEquals(
          containersBefore.stream().sorted().toList(),
          Engine.containersLabelled("org.berth.owner=" + user).stream().sorted().toList(),
          "the same containers, none duplicated or removed");
    }
  }

  private static Map<String, Object> properties() {
    Map<String, Object> p = new HashMap<>(TestDatabases.postgresWithLauncher(INSTANCE, REGISTRY));
    p.put("berth.launch.max-servers-per-user", String.valueOf(RUNNING + 1));
    return p;
  }

  private static String token(URI portal, String user) {
    HttpResponse<String> r =
        new Browserless(portal)
            .json("POST", "/api/v1/tokens", "{\"name\":\"t\"}", basic(user, PASSWORD));
    return r.body().replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
  }

  private static HttpResponse<String> api(
      URI portal, String method, String path, String body, String token) {
    return new Browserless(portal).json(method, path, body, bearer(token));
  }

  private static String serverIdOf(JsonNode server) {
    String host = URI.create(server.get("url").asText()).getHost();
    return host.substring(0, host.indexOf('.'));
  }
}
