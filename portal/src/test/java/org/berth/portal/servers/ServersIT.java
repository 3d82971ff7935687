package org.berth.portal.servers;

import static org.berth.portal.support.Accounts.PASSWORD;
import static org.berth.portal.support.Browserless.basic;
import static org.berth.portal.support.Browserless.bearer;
import static org.berth.portal.support.Engine.docker;
import static org.berth.portal.support.Engine.viaOrigin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.berth.imagecache.testing.TestRegistry;
import org.berth.launch.Servers;
import org.berth.portal.support.Accounts;
import org.berth.portal.support.Browserless;
import org.berth.portal.support.Engine;
import org.berth.portal.support.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Named servers through the API, on the real Docker engine with the Jupyter base image, reached
 * through the proxy on their own origins; state in the real PostgreSQL.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServersIT implements TestPropertyProvider {

  @RegisterExtension static final TestRegistry REGISTRY = new TestRegistry();

  private static final ObjectMapper JSON = new ObjectMapper();
  private final String instance = Engine.newInstance("sit");

  @Inject EmbeddedServer portal;
  @Inject Servers service;

  private final HttpClient http = HttpClient.newHttpClient();
  private final List<String> extraContainers = new ArrayList<>();
  private String owner;
  private String ownerToken;
  private String stranger;
  private String strangerToken;

  @Override
  public Map<String, String> getProperties() {
    Map<String, String> p = TestDatabases.postgresWithLauncher(instance, REGISTRY);
    p.put("berth.launch.max-servers-per-user", "3");
    p.put("berth.launch.max-memory", "1G");
    p.put("berth.launch.orphan-grace", "1s");
    p.put("berth.launch.max-concurrent-starts", "1");
    return p;
  }

  @BeforeAll
  void users() {
    owner = Accounts.signedIn(new Browserless(portal.getURI()), "own");
    ownerToken = token(owner);
    stranger = Accounts.signedIn(new Browserless(portal.getURI()), "str");
    strangerToken = token(stranger);
  }

  @AfterAll
  void removeContainers() throws Exception {
    Engine.removeInstance(instance);
    for (String c : extraContainers) {
      docker("rm", "-f", c);
    }
  }

  @Test
  void launchCreatesThenReusesRestartsAndAsksBeforeRecreating() throws Exception {
    HttpResponse<String> created = put("lab", "{}", ownerToken, false);
    assertEquals(201, created.statusCode(), created.body());
    JsonNode server = JSON.readTree(created.body());
    assertEquals("RUNNING", server.get("state").asText());
    String id = serverId(server);
    assertTrue(server.get("url").asText().endsWith("/user/" + owner + "/lab/"));
    String container = containerId(id);

    HttpResponse<String> again = put("lab", "{}", ownerToken, false);
    assertEquals(200, again.statusCode());
    assertEquals(container, containerId(id), "the same spec reuses the container");

    docker("exec", container, "sh", "-c", "echo notes > /home/jovyan/notes.txt");
    HttpResponse<String> stopped = api("POST", "/api/v1/servers/lab/stop", null, ownerToken);
    assertEquals("STOPPED", JSON.readTree(stopped.body()).get("state").asText());
    assertEquals("false", docker("inspect", "-f", "{{.State.Running}}", container));
    assertEquals(200, put("lab", "{}", ownerToken, false).statusCode());
    assertEquals(container, containerId(id), "a stopped server is started again, not recreated");
    assertEquals("true", docker("inspect", "-f", "{{.State.Running}}", container));

    HttpResponse<String> changed = put("lab", "{\"memory\":\"512M\"}", ownerToken, false);
    assertEquals(409, changed.statusCode(), changed.body());
    assertTrue(JSON.readTree(changed.body()).get("changes").get(0).asText().startsWith("memory"));
    assertEquals(container, containerId(id), "nothing changes before the owner confirms");

    assertEquals(200, put("lab", "{\"memory\":\"512M\"}", ownerToken, true).statusCode());
    String recreated = containerId(id);
    assertNotEquals(container, recreated);
    assertEquals(
        String.valueOf(512L << 20), docker("inspect", "-f", "{{.HostConfig.Memory}}", recreated));
    assertEquals("notes", docker("exec", recreated, "cat", "/home/jovyan/notes.txt"));
  }

  @Test
  void theOwnerReachesJupyterThroughTheProxyAndNobodyElseDoes() throws Exception {
    JsonNode server = JSON.readTree(put("nb", "{}", ownerToken, false).body());
    String url = server.get("url").asText();

    HttpResponse<String> contents = viaOrigin(url + "api/contents", "Bearer " + ownerToken);
    assertEquals(200, contents.statusCode(), contents.body());
    assertTrue(
        contents.body().contains("\"type\": \"directory\"")
            || contents.body().contains("\"type\":\"directory\""));

    assertEquals(403, viaOrigin(url + "api/contents", "Bearer " + strangerToken).statusCode());
    assertEquals(404, viaOrigin(url + "api/contents", null).statusCode());
    assertEquals(404, api("GET", "/api/v1/servers/nb", null, strangerToken).statusCode());
    assertEquals(404, api("POST", "/api/v1/servers/nb/stop", null, strangerToken).statusCode());
    api("DELETE", "/api/v1/servers/nb", null, ownerToken);
  }

  @Test
  void launchPhasesAreStreamedAsServerSentEvents() throws Exception {
    assertEquals(201, put("events", "{}", ownerToken, false).statusCode());
    HttpResponse<String> stream =
        http.send(
            HttpRequest.newBuilder(portal.getURI().resolve("/api/v1/servers/events/events"))
                .header("Authorization", "Bearer " + ownerToken)
                .header("Accept", "text/event-stream")
                .timeout(java.time.Duration.ofSeconds(20))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, stream.statusCode());
    String body = stream.body();
    int allocating = body.indexOf("event: allocating");
    int waiting = body.indexOf("event: waiting_for_server");
    int ready = body.indexOf("event: ready");
    assertTrue(allocating >= 0 && allocating < waiting && waiting < ready, body);
    assertEquals(204, api("DELETE", "/api/v1/servers/events", null, ownerToken).statusCode());
  }

  @Test
  void idleServersAreCulledUnlessTheOwnerTurnedCullingOff() throws Exception {
    String user = Accounts.signedIn(new Browserless(portal.getURI()), "idle");
    String token = token(user);
    assertEquals(201, put("sleepy", "{\"idleTimeout\":\"1s\"}", token, false).statusCode());
    assertEquals(
        201,
        put("awake", "{\"idleTimeout\":\"1s\",\"cullingDisabled\":true}", token, false)
            .statusCode());
    java.util.concurrent.TimeUnit.MILLISECONDS.sleep(1500);
    service.cull();
    JsonNode sleepy = JSON.readTree(api("GET", "/api/v1/servers/sleepy", null, token).body());
    assertEquals("STOPPED", sleepy.get("state").asText());
    assertTrue(sleepy.get("message").asText().contains("idle"));
    assertEquals(
        "RUNNING",
        JSON.readTree(api("GET", "/api/v1/servers/awake", null, token).body())
            .get("state")
            .asText());
    api("DELETE", "/api/v1/servers/sleepy", null, token);
    api("DELETE", "/api/v1/servers/awake", null, token);
  }

  @Test
  void launchesBeyondTheStartSlotsWaitTheirTurnAndAllBecomeReady() throws Exception {
    Browserless browser = new Browserless(portal.getURI());
    Accounts.signedIn(browser, "crowd");
    // One start slot (see getProperties): one launch waits for the other to be ready.
    assertEquals(303, browser.submit("/", "/launch", Map.of("name", "first")).statusCode());
    assertEquals(303, browser.submit("/", "/launch", Map.of("name", "second")).statusCode());
    String first = browser.get("/api/v1/servers/first/events").body();
    String second = browser.get("/api/v1/servers/second/events").body();
    assertTrue(first.contains("event: ready") && second.contains("event: ready"), first + second);
    // Whichever took the slot first, the other one waited for it.
    assertTrue(
        first.contains("Waiting for a free start slot")
            != second.contains("Waiting for a free start slot"),
        first + second);
  }

  @Test
  void workInsideTheServerThatJupyterReportsKeepsItFromBeingCulled() throws Exception {
    String user = Accounts.signedIn(new Browserless(portal.getURI()), "busy");
    String token = token(user);
    HttpResponse<String> created = put("busy", "{\"idleTimeout\":\"2s\"}", token, false);
    assertEquals(201, created.statusCode(), created.body());
    String container = containerId(serverId(JSON.readTree(created.body())));
    // Someone works in the server without going through Berth's proxy (as a kernel or a
    // terminal would); Jupyter's last_activity moves, Berth's proxy sees nothing.
    String base = "/user/" + user + "/busy/";
    String poke =
        "import os,urllib.request\n"
            + "r=urllib.request.Request('http://127.0.0.1:8888"
            + base
            + "api/contents',headers={'Authorization':'token '+os.environ['JUPYTER_TOKEN']})\n"
            + "urllib.request.urlopen(r).read()\n";
    for (int i = 0; i < 6; i++) {
      java.util.concurrent.TimeUnit.MILLISECONDS.sleep(500);
      docker("exec", container, "python3", "-c", poke);
    }
    service.cull();
    assertEquals(
        "RUNNING",
        JSON.readTree(api("GET", "/api/v1/servers/busy", null, token).body()).get("state").asText(),
        "active inside for longer than the idle timeout, so not culled");
    java.util.concurrent.TimeUnit.MILLISECONDS.sleep(2500);
    service.cull();
    assertEquals(
        "STOPPED",
        JSON.readTree(api("GET", "/api/v1/servers/busy", null, token).body())
            .get("state")
            .asText());
    api("DELETE", "/api/v1/servers/busy", null, token);
  }

  @Test
  void badRequestsAreRefusedAndLeaveNothingBehind() throws Exception {
    int before = containers();
    for (String bad : new String[] {"a$", "..", "Upper", "x".repeat(31), "9lives"}) {
      HttpResponse<String> r =
          api(
              "PUT",
              "/api/v1/servers/" + java.net.URLEncoder.encode(bad, "UTF-8"),
              "{}",
              strangerToken);
      assertTrue(r.statusCode() == 400 || r.statusCode() == 404, bad + " -> " + r.statusCode());
    }
    HttpResponse<String> tooBig = put("big", "{\"memory\":\"8G\"}", strangerToken, false);
    assertEquals(400, tooBig.statusCode());
    assertTrue(tooBig.body().contains("over the limit"), tooBig.body());
    HttpResponse<String> noImage =
        put(
            "ghost",
            "{\"image\":\"" + REGISTRY.address() + "/berth/no-such-image:1\"}",
            strangerToken,
            false);
    assertEquals(422, noImage.statusCode(), noImage.body());
    assertTrue(noImage.body().contains("no-such-image"));
    HttpResponse<String> foreign =
        put("far", "{\"image\":\"docker.io/library/busybox\"}", strangerToken, false);
    assertEquals(400, foreign.statusCode());
    // Handing the user's token into a server is confirmed on a page; the API does not drop the
    // request silently, it says where to ask.
    HttpResponse<String> token = put("keyed", "{\"credentials\":true}", strangerToken, false);
    assertEquals(400, token.statusCode(), token.body());
    assertTrue(token.body().contains("launch form"), token.body());
    assertEquals("[]", api("GET", "/api/v1/servers", null, strangerToken).body().replace(" ", ""));
    assertEquals(before, containers(), "no container may be left behind");
  }

  @Test
  void aLaunchFromTheFormStreamsItsPhasesAndAFailureSaysWhyAndLeavesNothing() throws Exception {
    Browserless browser = new Browserless(portal.getURI());
    Accounts.signedIn(browser, "form");
    HttpResponse<String> launched =
        browser.submit("/", "/launch", Map.of("name", "page-lab", "memory", "256M"));
    assertEquals(303, launched.statusCode(), launched.body());
    assertEquals(
        "/servers/page-lab/launching?name=page-lab&memory=256M",
        launched.headers().firstValue("Location").orElseThrow(),
        "the launching page keeps the form's values for the way back");
    String events = browser.get("/api/v1/servers/page-lab/events").body();
    assertTrue(
        events.indexOf("event: allocating") < events.indexOf("event: waiting_for_server")
            && events.contains("event: ready"),
        events);
    // Once "ready" is told, the server is recorded and routed: the hand-off lands in Jupyter.
    HttpResponse<String> open = browser.get("/servers/page-lab/open");
    HttpResponse<String> handoff =
        Engine.viaOriginWith(open.headers().firstValue("Location").orElseThrow(), Map.of());
    String cookie = handoff.headers().firstValue("Set-Cookie").orElseThrow();
    URI landing = URI.create(open.headers().firstValue("Location").orElseThrow());
    assertEquals(
        200,
        Engine.viaOriginWith(
                landing.getScheme()
                    + "://"
                    + landing.getRawAuthority()
                    + handoff.headers().firstValue("Location").orElseThrow(),
                Map.of("Cookie", cookie.substring(0, cookie.indexOf(';'))))
            .statusCode());
    assertTrue(browser.get("/servers/page-lab/launching").body().contains("id=\"open-link\""));

    int before = containers();
    HttpResponse<String> missing =
        browser.submit(
            "/",
            "/launch",
            Map.of("name", "page-ghost", "image", REGISTRY.address() + "/berth/no-such-image:1"));
    assertEquals(303, missing.statusCode(), missing.body());
    String failed = browser.get("/api/v1/servers/page-ghost/events").body();
    assertTrue(failed.contains("event: failed") && failed.contains("no-such-image"), failed);
    assertEquals(404, browser.get("/servers/page-ghost/open").statusCode());
    assertEquals(200, browser.get("/servers/page-ghost/launching").statusCode(), "says why");
    assertEquals(404, browser.get("/servers/never-launched/launching").statusCode());
    assertEquals(404, browser.get("/api/v1/servers/never-launched/events").statusCode());
    assertEquals(before, containers(), "the failed launch left no container");

    HttpResponse<String> badName = browser.submit("/", "/launch", Map.of("name", "Bad$Name"));
    assertEquals(400, badName.statusCode());
    assertTrue(badName.body().contains("class=\"error\""), badName.body());
  }

  @Test
  void moreServersThanTheLimitAreRefused() throws Exception {
    String user = Accounts.signedIn(new Browserless(portal.getURI()), "many");
    String token = token(user);
    for (int i = 0; i < 3; i++) {
      assertEquals(201, put("s" + i, "{}", token, false).statusCode());
    }
    HttpResponse<String> fourth = put("s3", "{}", token, false);
    assertEquals(409, fourth.statusCode());
    assertTrue(fourth.body().contains("the most allowed"));
    assertEquals(3, JSON.readTree(api("GET", "/api/v1/servers", null, token).body()).size());
    for (int i = 0; i < 3; i++) {
      assertEquals(204, api("DELETE", "/api/v1/servers/s" + i, null, token).statusCode());
    }
  }

  @Test
  void unknownContainersWithBerthsLabelsAreRemovedAfterGraceButOthersAreNot() throws Exception {
    String image = REGISTRY.jupyterBase();
    String orphan = "orphan" + instance;
    String stranger = "unlabelled" + instance;
    extraContainers.add(orphan);
    extraContainers.add(stranger);
    docker(
        "create",
        "--name",
        orphan,
        "--label",
        "org.berth.managed=true",
        "--label",
        "org.berth.instance=" + instance,
        "--label",
        "org.berth.server-id=zz" + instance,
        image);
    docker("create", "--name", stranger, "--label", "org.berth.server-id=zy" + instance, image);
    service.reconcile();
    assertEquals(
        orphan,
        docker("inspect", "-f", "{{.Name}}", orphan).substring(1),
        "kept during the grace period");
    java.util.concurrent.TimeUnit.MILLISECONDS.sleep(1500);
    service.reconcile();
    assertTrue(
        docker("ps", "-aq", "--filter", "name=^" + orphan + "$").isBlank(), "orphan removed");
    assertTrue(
        !docker("ps", "-aq", "--filter", "name=^" + stranger + "$").isBlank(), "others untouched");
  }

  private int containers() throws Exception {
    return Engine.containersLabelled("org.berth.instance=" + instance).size();
  }

  private String token(String user) {
    HttpResponse<String> r =
        new Browserless(portal.getURI())
            .json("POST", "/api/v1/tokens", "{\"name\":\"t\"}", basic(user, PASSWORD));
    return r.body().replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
  }

  private HttpResponse<String> put(String name, String body, String token, boolean confirm) {
    return api("PUT", "/api/v1/servers/" + name + (confirm ? "?confirm=true" : ""), body, token);
  }

  private HttpResponse<String> api(String method, String path, String body, String token) {
    return new Browserless(portal.getURI()).json(method, path, body, bearer(token));
  }

  private static String serverId(JsonNode server) {
    String host = URI.create(server.get("url").asText()).getHost();
    return host.substring(0, host.indexOf('.'));
  }

  private static String containerId(String serverId) throws Exception {
    return docker("inspect", "-f", "{{.Id}}", "berth-" + serverId);
  }
}
