package org.berth.portal.proxy;

import static org.berth.portal.support.Accounts.PASSWORD;
import static org.berth.portal.support.Browserless.basic;
import static org.berth.portal.support.Browserless.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.berth.imagecache.testing.TestRegistry;
import org.berth.portal.support.Accounts;
import org.berth.portal.support.Browserless;
import org.berth.portal.support.Engine;
import org.berth.portal.support.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The one access decision at the proxy, for real: collaborators reach the owner's server until
 * removed (their open WebSocket closes at once), invites grant only after acceptance and not once
 * revoked, and visitors get a read-only copy of their own that is never the owner's server and ends
 * with its lifetime. Real engine, Jupyter, PostgreSQL.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SharingAccessIT implements TestPropertyProvider {

  @RegisterExtension static final TestRegistry REGISTRY = new TestRegistry();

  private static final ObjectMapper JSON = new ObjectMapper();

  @Inject EmbeddedServer portal;
  @Inject ServerOriginProxy proxy;

  private final String instance = Engine.newInstance("shr");

  @Override
  public Map<String, String> getProperties() {
    Map<String, String> p = TestDatabases.postgresWithLauncher(instance, REGISTRY);
    p.put("berth.visits.max-per-link", "1");
    p.put("berth.visits.lifetime", "40s");
    p.put("berth.visits.sweep-every", "1s");
    p.put("berth.visits.memory", "256M");
    // Reconciliation every second with a short orphan grace: a visit's server is no orphan.
    p.put("berth.launch.reconcile-every", "1s");
    p.put("berth.launch.orphan-grace", "2s");
    return p;
  }

  @AfterAll
  void removeContainers() throws Exception {
    Engine.removeInstance(instance);
  }

  /** A user: browser signed in, and an API token. */
  record User(String name, Browserless browser, String token) {}

  private User user(String prefix) {
    Browserless browser = new Browserless(portal.getURI());
    String name = Accounts.signedIn(browser, prefix);
    HttpResponse<String> t =
        new Browserless(portal.getURI())
            .json("POST", "/api/v1/tokens", "{\"name\":\"t\"}", basic(name, PASSWORD));
    return new User(name, browser, t.body().replaceAll(".*\"token\":\"([^\"]+)\".*", "$1"));
  }

  private HttpResponse<String> api(User u, String method, String path, String body) {
    return new Browserless(portal.getURI()).json(method, path, body, bearer(u.token()));
  }

  private JsonNode launch(User u, String name, String spec) throws Exception {
    HttpResponse<String> r = api(u, "PUT", "/api/v1/servers/" + name + "?confirm=true", spec);
    assertTrue(r.statusCode() == 200 || r.statusCode() == 201, r.body());
    return JSON.readTree(r.body());
  }

  /** Follows a portal redirect to a server origin's hand-off; returns the origin cookie. */
  private static String originCookie(HttpResponse<String> open) throws Exception {
    assertEquals(303, open.statusCode(), open.body());
    HttpResponse<String> handoff =
        Engine.viaOriginWith(open.headers().firstValue("Location").orElseThrow(), Map.of());
    assertEquals(303, handoff.statusCode(), handoff.body());
    String set = handoff.headers().firstValue("Set-Cookie").orElseThrow();
    return set.substring(0, set.indexOf(';'));
  }

  private static HttpResponse<String> viaOrigin(String url, String cookie) throws Exception {
    return Engine.viaOriginWith(url, cookie == null ? Map.of() : Map.of("Cookie", cookie));
  }

  @Test
  void aCollaboratorReachesTheServerUntilRemovedAndHisOpenWebSocketCloses() throws Exception {
    User alice = user("alice");
    User bob = user("bob");
    JsonNode lab = launch(alice, "lab", "{}");
    String url = lab.get("url").asText();

    assertEquals(404, bob.browser().get("/shared/" + alice.name() + "/lab/open").statusCode());
    HttpResponse<String> added =
        api(alice, "PUT", "/api/v1/servers/lab/collaborators/" + bob.name(), null);
    assertEquals(200, added.statusCode(), added.body());
    assertTrue(
        api(bob, "GET", "/api/v1/shared", null).body().contains("\"name\":\"lab\""),
        "bob sees the server shared with him");

    String cookie = originCookie(bob.browser().get("/shared/" + alice.name() + "/lab/open"));
    assertEquals(200, viaOrigin(url + "api/contents", cookie).statusCode(), "bob is let in");
    String kernelId =
        JSON.readTree(postViaOrigin(url + "api/kernels", cookie, "{\"name\":\"python3\"}").body())
            .get("id")
            .asText();
    URI origin = URI.create(url);
    try (RawWebSocket ws =
        new RawWebSocket(
            proxy.port(),
            origin.getHost() + ":" + origin.getPort(),
            origin.getPath() + "api/kernels/" + kernelId + "/channels",
            cookie,
            origin.getScheme() + "://" + origin.getHost() + ":" + origin.getPort())) {
      assertTrue(ws.handshakeStatus.contains(" 101 "), ws.handshakeStatus);

      assertEquals(
          204,
          api(alice, "DELETE", "/api/v1/servers/lab/collaborators/" + bob.name(), null)
              .statusCode());

      assertTrue(ws.closedWithin(5000), "bob's kernel WebSocket is closed at once");
    }
    assertEquals(404, viaOrigin(url + "api/contents", cookie).statusCode(), "his next request");
    assertFalse(api(bob, "GET", "/api/v1/shared", null).body().contains("\"name\":\"lab\""));
  }

  @Test
  void anInviteGrantsOnlyOnceAcceptedAndNothingOnceRevoked() throws Exception {
    User alice = user("host");
    User carol = user("carol");
    User dave = user("dave");
    launch(alice, "talk", "{}");

    JsonNode invite =
        JSON.readTree(
            api(alice, "POST", "/api/v1/servers/talk/invites", "{\"expiresIn\":\"1d\"}").body());
    String path = URI.create(invite.get("link").asText()).getPath();
    HttpResponse<String> offer = carol.browser().get(path);
    assertEquals(200, offer.statusCode(), offer.body());
    assertTrue(offer.body().contains(alice.name()) && offer.body().contains("talk"), offer.body());
    assertEquals("[]", api(carol, "GET", "/api/v1/shared", null).body(), "nothing before accept");

    HttpResponse<String> accepted =
        carol.browser().postForm(path, Map.of("_csrf", Browserless.csrfIn(offer.body())));
    assertEquals(303, accepted.statusCode(), accepted.body());
    assertTrue(api(carol, "GET", "/api/v1/shared", null).body().contains("\"name\":\"talk\""));
    assertEquals(
        1,
        JSON.readTree(api(alice, "GET", "/api/v1/servers/talk/invites", null).body())
            .get(0)
            .get("uses")
            .asInt());

    JsonNode revoked =
        JSON.readTree(api(alice, "POST", "/api/v1/servers/talk/invites", "{}").body());
    assertEquals(
        204,
        api(alice, "DELETE", "/api/v1/servers/talk/invites/" + revoked.get("id").asText(), null)
            .statusCode());
    String revokedPath = URI.create(revoked.get("link").asText()).getPath();
    HttpResponse<String> gone = dave.browser().get(revokedPath, Map.of("Accept", "text/html"));
    assertEquals(410, gone.statusCode());
    assertTrue(gone.body().contains("revoked"), gone.body());
    assertEquals("[]", api(dave, "GET", "/api/v1/shared", null).body());

    HttpResponse<String> signedOut =
        new Browserless(portal.getURI()).get(path, Map.of("Accept", "text/html"));
    assertEquals(303, signedOut.statusCode());
    assertTrue(
        signedOut.headers().firstValue("Location").orElse("").startsWith("/login?next="),
        signedOut.headers().toString());
  }

  @Test
  void aVisitorGetsAReadOnlyCopyOfTheirOwnThatEndsWithItsLifetime() throws Exception {
    User alice = user("pub");
    api(alice, "POST", "/api/v1/volumes", "{\"name\":\"data\"}");
    JsonNode lab =
        launch(
            alice,
            "open",
            "{\"mounts\":[{\"target\":\"/srv/data\",\"volume\":\"data\",\"mode\":\"rw\"}]}");
    String ownerContainer = container(lab.get("url").asText());
    Engine.docker("exec", ownerContainer, "sh", "-c", "echo shared > /srv/data/readme.txt");
    JsonNode pub =
        JSON.readTree(
            api(
                    alice,
                    "PUT",
                    "/api/v1/servers/open/public",
                    "{\"enabled\":true,\"mounts\":\"read-only\"}")
                .body());
    String link = URI.create(pub.get("link").asText()).getPath();

    Browserless visitor = new Browserless(portal.getURI());
    HttpResponse<String> page = visitor.get(link);
    assertEquals(200, page.statusCode(), page.body());
    HttpResponse<String> started =
        visitor.postForm(link, Map.of("_csrf", Browserless.csrfIn(page.body())));
    assertEquals(303, started.statusCode(), started.body());
    String visitPath = started.headers().firstValue("Location").orElseThrow();
    String visitId = visitPath.substring(visitPath.lastIndexOf('/') + 1);
    String events = visitor.get(visitPath + "/events").body();
    assertTrue(events.contains("event: ready"), events);

    String cookie = originCookie(visitor.get(visitPath + "/open"));
    String visitUrl = proxyOrigin(visitId) + "/visit/" + visitId + "/";
    assertEquals(200, viaOrigin(visitUrl + "api/contents", cookie).statusCode());
    String visitContainer = "berth-" + visitId;
    assertNotEquals(ownerContainer, visitContainer);
    assertEquals("shared", Engine.docker("exec", visitContainer, "cat", "/srv/data/readme.txt"));
    Process write =
        new ProcessBuilder("docker", "exec", visitContainer, "touch", "/srv/data/x")
            .redirectErrorStream(true)
            .start();
    String out = new String(write.getInputStream().readAllBytes());
    assertNotEquals(0, write.waitFor());
    assertTrue(out.contains("Read-only file system"), out);
    assertEquals(
        Engine.docker("inspect", "-f", "{{.Config.Image}}", ownerContainer),
        Engine.docker("inspect", "-f", "{{.Config.Image}}", visitContainer),
        "the same image");
    Thread.sleep(4_000); // two orphan graces, four reconciliations
    assertEquals(
        200,
        viaOrigin(visitUrl + "api/contents", cookie).statusCode(),
        "reconciliation leaves a live visit's server alone");

    // The visitor's cookie opens nothing of the owner's; another browser opens nothing of theirs.
    assertEquals(404, viaOrigin(lab.get("url").asText() + "api/contents", cookie).statusCode());
    Browserless other = new Browserless(portal.getURI());
    assertEquals(404, other.get(visitPath, Map.of("Accept", "text/html")).statusCode());
    assertEquals(404, viaOrigin(visitUrl + "api/contents", null).statusCode());
    HttpResponse<String> otherPage = other.get(link);
    HttpResponse<String> busy =
        other.postForm(link, Map.of("_csrf", Browserless.csrfIn(otherPage.body())));
    assertEquals(429, busy.statusCode(), "past the cap of one visitor per link");
    assertTrue(busy.body().contains("busy"), busy.body());
    assertTrue(busy.headers().firstValue("Retry-After").isPresent());

    // Past its lifetime the visit ends, with its container; the owner's server runs on.
    long deadline = System.currentTimeMillis() + 90_000;
    while (!Engine.docker("ps", "-aq", "--filter", "name=" + visitContainer).isBlank()
        && System.currentTimeMillis() < deadline) {
      Thread.sleep(1000);
    }
    assertEquals("", Engine.docker("ps", "-aq", "--filter", "name=" + visitContainer));
    assertEquals("true", Engine.docker("inspect", "-f", "{{.State.Running}}", ownerContainer));
    assertEquals("shared", Engine.docker("exec", ownerContainer, "cat", "/srv/data/readme.txt"));
    assertEquals(
        List.of(),
        List.of(Engine.docker("exec", ownerContainer, "ls", "/srv/data").split("\n")).stream()
            .filter(f -> f.equals("x"))
            .toList());
  }

  private String proxyOrigin(String serverId) {
    return "http://" + serverId + ".localhost:" + proxy.port();
  }

  private static String container(String url) {
    String host = URI.create(url).getHost();
    return "berth-" + host.substring(0, host.indexOf('.'));
  }

  private static HttpResponse<String> postViaOrigin(String url, String cookie, String body)
      throws Exception {
    URI uri = URI.create(url);
    java.net.http.HttpRequest request =
        java.net.http.HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + uri.getPort() + uri.getRawPath()))
            .header("Host", uri.getHost() + ":" + uri.getPort())
            .header("Cookie", cookie)
            .header("Origin", uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort())
            .header("Content-Type", "application/json")
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
            .build();
    return java.net.http.HttpClient.newHttpClient()
        .send(request, HttpResponse.BodyHandlers.ofString());
  }
}
