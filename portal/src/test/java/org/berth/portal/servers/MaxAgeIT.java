package org.berth.portal.servers;

import static org.berth.portal.support.Accounts.PASSWORD;
import static org.berth.portal.support.Browserless.basic;
import static org.berth.portal.support.Browserless.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.net.http.HttpResponse;
import java.util.Map;
import org.berth.imagecache.testing.TestRegistry;
import org.berth.launch.Servers;
import org.berth.portal.support.Accounts;
import org.berth.portal.support.Browserless;
import org.berth.portal.support.Engine;
import org.berth.portal.support.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Servers past the configured maximum age are stopped, even when their owner turned culling off.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MaxAgeIT implements TestPropertyProvider {

  @RegisterExtension static final TestRegistry REGISTRY = new TestRegistry();

  private static final ObjectMapper JSON = new ObjectMapper();
  private final String instance = Engine.newInstance("age");

  @Inject EmbeddedServer portal;
  @Inject Servers service;

  @Override
  public Map<String, String> getProperties() {
    Map<String, String> p = TestDatabases.postgresWithLauncher(instance, REGISTRY);
    p.put("berth.launch.max-age", "3s");
    return p;
  }

  @AfterAll
  void removeContainers() throws Exception {
    Engine.removeInstance(instance);
  }

  @Test
  void aServerPastTheMaximumAgeIsStoppedEvenWithCullingOff() throws Exception {
    String user = Accounts.signedIn(new Browserless(portal.getURI()), "old");
    String token =
        JSON.readTree(
                new Browserless(portal.getURI())
                    .json("POST", "/api/v1/tokens", "{\"name\":\"t\"}", basic(user, PASSWORD))
                    .body())
            .get("token")
            .asText();
    Browserless api = new Browserless(portal.getURI());
    HttpResponse<String> created =
        api.json(
            "PUT",
            "/api/v1/servers/elder",
            "{\"idleTimeout\":\"1h\",\"cullingDisabled\":true}",
            bearer(token));
    assertEquals(201, created.statusCode(), created.body());
    service.cull();
    assertEquals("RUNNING", state(api, token).get("state").asText(), "young enough");
    Thread.sleep(3500);
    service.cull();
    JsonNode elder = state(api, token);
    assertEquals("STOPPED", elder.get("state").asText(), elder.toString());
    assertTrue(elder.get("message").asText().contains("maximum age"), elder.toString());
  }

  private static JsonNode state(Browserless api, String token) throws Exception {
    return JSON.readTree(api.json("GET", "/api/v1/servers/elder", null, bearer(token)).body());
  }
}
