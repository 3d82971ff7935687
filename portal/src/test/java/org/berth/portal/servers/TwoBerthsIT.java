package org.berth.portal.servers;

import static org.berth.portal.support.Accounts.PASSWORD;
import static org.berth.portal.support.Browserless.basic;
import static org.berth.portal.support.Browserless.bearer;
import static org.berth.portal.support.Engine.docker;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.berth.imagecache.testing.TestRegistry;
import org.berth.launch.InstanceId;
import org.berth.portal.support.Accounts;
import org.berth.portal.support.Browserless;
import org.berth.portal.support.Engine;
import org.berth.portal.support.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two Berths with default settings, each with its own data directory, share one Docker engine.
 * Across several reconciliation cycles with a one-second orphan grace, neither takes the other's
 * servers for orphans. Before instance ids were generated per database, both were "berth" and each
 * removed the other's containers.
 */
class TwoBerthsIT {

  @RegisterExtension static final TestRegistry REGISTRY = new TestRegistry();

  private static final List<String> INSTANCES = new ArrayList<>();

  @AfterAll
  static void removeContainers() throws Exception {
    for (String instance : INSTANCES) {
      Engine.removeInstance(instance);
    }
  }

  @Test
  void twoBerthsOnOneEngineNeverRemoveEachOthersServers() throws Exception {
    try (EmbeddedServer a = ApplicationContext.run(EmbeddedServer.class, defaults());
        EmbeddedServer b = ApplicationContext.run(EmbeddedServer.class, defaults())) {
      String idA = a.getApplicationContext().getBean(InstanceId.class).value();
      String idB = b.getApplicationContext().getBean(InstanceId.class).value();
      INSTANCES.add(idA);
      INSTANCES.add(idB);
      assertNotEquals(idA, idB, "each Berth generated an instance id of its own");

      String containerA = launch(a, "two-a");
      String containerB = launch(b, "two-b");

      // Several reconciliation passes (every second) well past the one-second orphan grace.
      Thread.sleep(6000);

      for (String container : List.of(containerA, containerB)) {
        assertEquals("true", docker("inspect", "-f", "{{.State.Running}}", container), container);
      }
      assertEquals(
          idA,
          docker("inspect", "-f", "{{index .Config.Labels \"org.berth.instance\"}}", containerA));
      assertEquals(
          idB,
          docker("inspect", "-f", "{{index .Config.Labels \"org.berth.instance\"}}", containerB));
    }
  }

  @Test
  void theGeneratedInstanceIdIsKeptAcrossRestartsAndAnExplicitOneWins() throws Exception {
    Map<String, Object> p = defaults();
    String first;
    try (EmbeddedServer a = ApplicationContext.run(EmbeddedServer.class, p)) {
      first = a.getApplicationContext().getBean(InstanceId.class).value();
    }
    try (EmbeddedServer again = ApplicationContext.run(EmbeddedServer.class, p)) {
      assertEquals(first, again.getApplicationContext().getBean(InstanceId.class).value());
    }
    p.put("berth.launch.instance-id", "explicit-one");
    try (EmbeddedServer set = ApplicationContext.run(EmbeddedServer.class, p)) {
      assertEquals("explicit-one", set.getApplicationContext().getBean(InstanceId.class).value());
    }
    assertTrue(first.startsWith("berth-"), first);
  }

  /**
   * Embedded defaults (H2 in a data directory of its own), no instance id, quick upkeep; the
   * class's registry, shared by both Berths as one registry on a machine would be.
   */
  private static Map<String, Object> defaults() {
    Map<String, Object> p = new HashMap<>(TestDatabases.withRegistry(TestDatabases.h2(), REGISTRY));
    p.put("berth.launch.default-memory", "256M");
    p.put("berth.launch.orphan-grace", "1s");
    p.put("berth.launch.reconcile-every", "1s");
    return p;
  }

  /** Signs a user up on that Berth, launches a server, returns its container's name. */
  private static String launch(EmbeddedServer berth, String name) throws Exception {
    Browserless browser = new Browserless(berth.getURI());
    String user = Accounts.signedIn(browser, "two");
    HttpResponse<String> t =
        new Browserless(berth.getURI())
            .json("POST", "/api/v1/tokens", "{\"name\":\"t\"}", basic(user, PASSWORD));
    String token = t.body().replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
    HttpResponse<String> put =
        new Browserless(berth.getURI()).json("PUT", "/api/v1/servers/" + name, "{}", bearer(token));
    assertEquals(201, put.statusCode(), put.body());
    String host =
        java.net.URI.create(put.body().replaceAll(".*\"url\":\"([^\"]+)\".*", "$1")).getHost();
    return "berth-" + host.substring(0, host.indexOf('.'));
  }
}
