package org.berth.portal.proxy;

import static org.berth.portal.support.Accounts.PASSWORD;
import static org.berth.portal.support.Browserless.basic;
import static org.berth.portal.support.Browserless.bearer;
import static org.berth.portal.support.Engine.docker;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import org.berth.imagecache.testing.TestRegistry;
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
 * The attacks of issue #12 against real Jupyter servers on the real Docker engine, through the
 * proxy: one user's page driving another user's server, the server's token in the pages Jupyter
 * serves, and a server reaching the portal from inside its container.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerOriginSecurityIT implements TestPropertyProvider {

  @RegisterExtension static final TestRegistry REGISTRY = new TestRegistry();

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String instance = Engine.newInstance("osec");
  private final HttpClient http = HttpClient.newHttpClient();

  @Inject EmbeddedServer portal;
  @Inject ServerOriginProxy proxy;
  @Inject ServerDirectory directory;
  @Inject OriginAccess access;

  private Launched alice;
  private Launched bob;

  /** A user's running server as the tests reach it. */
  record Launched(String user, String token, String id, String url, String cookie) {

    String origin() {
      URI u = URI.create(url);
      return u.getScheme() + "://" + u.getRawAuthority();
    }

    String host() {
      return URI.create(url).getRawAuthority();
    }

    String base() {
      return URI.create(url).getRawPath();
    }
  }

  @Override
  public Map<String, String> getProperties() {
    return TestDatabases.postgresWithLauncher(instance, REGISTRY);
  }

  @BeforeAll
  void twoUsersWithAServerEach() throws Exception {
    alice = launch("alice", "a");
    bob = launch("bob", "b");
  }

  @AfterAll
  void removeServers() throws Exception {
    Engine.removeInstance(instance);
  }

  @Test
  void aPageOnAnotherServersOriginCannotDriveMyTerminals() throws Exception {
    String terminals = bob.url() + "api/terminals";
    // What a page on alice's origin makes bob's browser send: bob's origin cookie rides along
    // because all server origins are one site in production.
    Map<String, String> fromAlice = new LinkedHashMap<>();
    fromAlice.put("Cookie", bob.cookie());
    fromAlice.put("Origin", alice.origin());
    fromAlice.put("Sec-Fetch-Site", "same-site");
    fromAlice.put("Sec-Fetch-Mode", "no-cors");
    HttpResponse<String> attack = send("POST", terminals, fromAlice);
    assertEquals(403, attack.statusCode(), attack.body());
    assertTrue(attack.body().contains("came from another site"), attack.body());

    // Older browsers send no fetch metadata; the Origin alone is refused.
    assertEquals(
        403,
        send("POST", terminals, Map.of("Cookie", bob.cookie(), "Origin", alice.origin()))
            .statusCode());
    assertEquals(
        403,
        send("POST", terminals, Map.of("Cookie", bob.cookie(), "Origin", "null")).statusCode());
    // A form posted from another site carries no Origin in some browsers, but fetch metadata.
    assertEquals(
        403,
        send("POST", terminals, Map.of("Cookie", bob.cookie(), "Sec-Fetch-Site", "cross-site"))
            .statusCode());
    // The terminal's WebSocket, opened from alice's page.
    try (RawWebSocket ws =
        new RawWebSocket(
            proxy.port(),
            bob.host(),
            bob.base() + "terminals/websocket/1",
            bob.cookie(),
            alice.origin())) {
      assertTrue(ws.handshakeStatus.contains(" 403"), ws.handshakeStatus);
    }
    assertEquals("[]", compact(send("GET", terminals, Map.of("Cookie", bob.cookie())).body()));

    // Bob's own pages still open terminals and talk to them.
    Map<String, String> own =
        Map.of("Cookie", bob.cookie(), "Origin", bob.origin(), "Sec-Fetch-Site", "same-origin");
    HttpResponse<String> opened = send("POST", terminals, own);
    assertEquals(200, opened.statusCode(), opened.body());
    String name = JSON.readTree(opened.body()).get("name").asText();
    try (RawWebSocket ws =
        new RawWebSocket(
            proxy.port(),
            bob.host(),
            bob.base() + "terminals/websocket/" + name,
            bob.cookie(),
            bob.origin())) {
      assertTrue(ws.handshakeStatus.contains(" 101"), ws.handshakeStatus);
    }
    assertEquals(204, send("DELETE", terminals + "/" + name, own).statusCode());
  }

  @Test
  void theServersTokenNeverReachesTheBrowser() throws Exception {
    String token = directory.find(bob.id()).orElseThrow().token();
    Map<String, String> own = Map.of("Cookie", bob.cookie(), "Origin", bob.origin());
    String notebook =
        "{\"type\":\"notebook\",\"content\":{\"cells\":[],\"metadata\":{},\"nbformat\":4,"
            + "\"nbformat_minor\":5}}";
    assertEquals(201, send("PUT", bob.url() + "api/contents/t.ipynb", own, notebook).statusCode());
    String file = "{\"type\":\"file\",\"format\":\"text\",\"content\":\"hello\"}";
    assertEquals(201, send("PUT", bob.url() + "api/contents/notes.txt", own, file).statusCode());
    HttpResponse<String> terminal = send("POST", bob.url() + "api/terminals", own);
    String term = JSON.readTree(terminal.body()).get("name").asText();

    Map<String, String> pages = new LinkedHashMap<>();
    pages.put("tree", "notebook_list");
    pages.put("notebooks/t.ipynb", "notebook_panel");
    pages.put("edit/notes.txt", "texteditor");
    pages.put("terminals/" + term, "terminado");
    pages.put("tree?token=" + "x".repeat(token.length()), "notebook_list"); // Jupyter's logo link
    pages.put("api/contents", "\"type\"");
    pages.put("api/sessions", "[");
    pages.put("api/terminals", "\"name\"");
    pages.put("api/kernelspecs", "python3");
    pages.put("api/status", "started");
    pages.put("api/config/notebook", "{");
    pages.put("files/notes.txt", "hello");
    for (Map.Entry<String, String> page : pages.entrySet()) {
      HttpResponse<String> r =
          send("GET", bob.url() + page.getKey(), Map.of("Cookie", bob.cookie()));
      assertEquals(200, r.statusCode(), page.getKey() + ": " + r.body());
      assertTrue(r.body().contains(page.getValue()), page.getKey() + " is not the page expected");
      assertFalse(r.body().contains(token), page.getKey() + " carries the server's token");
      assertFalse(r.headers().map().toString().contains(token), page.getKey() + " headers");
    }
    send("DELETE", bob.url() + "api/terminals/" + term, own);
  }

  @Test
  void thePortalAndTheProxyCannotBeReachedFromInsideAServer() throws Exception {
    String container = "berth-" + alice.id();
    String gateway =
        docker(
            "inspect", "-f", "{{range .NetworkSettings.Networks}}{{.Gateway}}{{end}}", container);
    assertFalse(gateway.isBlank(), "the server runs on a bridge with a gateway");
    // The probe itself can see the host: a socket on every interface is reached at the gateway.
    try (ServerSocket everywhere = new ServerSocket()) {
      everywhere.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0));
      assertEquals("open", probe(container, gateway, everywhere.getLocalPort()));
    }
    assertEquals("closed", probe(container, gateway, portal.getPort()), "the portal");
    assertEquals("closed", probe(container, gateway, proxy.port()), "the proxy to servers");
  }

  /** Whether a TCP connection from inside the container to {@code host:port} is accepted. */
  private static String probe(String container, String host, int port) throws Exception {
    return docker(
        "exec",
        container,
        "python3",
        "-c",
        "import socket,sys\n"
            + "s=socket.socket(); s.settimeout(3)\n"
            + "print('open' if s.connect_ex((sys.argv[1], int(sys.argv[2]))) == 0 else 'closed')",
        host,
        Integer.toString(port));
  }

  private Launched launch(String prefix, String name) throws Exception {
    String user = Accounts.signedIn(new Browserless(portal.getURI()), prefix);
    HttpResponse<String> t =
        new Browserless(portal.getURI())
            .json("POST", "/api/v1/tokens", "{\"name\":\"t\"}", basic(user, PASSWORD));
    String token = JSON.readTree(t.body()).get("token").asText();
    HttpResponse<String> created =
        new Browserless(portal.getURI())
            .json("PUT", "/api/v1/servers/" + name, "{}", bearer(token));
    assertEquals(201, created.statusCode(), created.body());
    JsonNode server = JSON.readTree(created.body());
    String url = server.get("url").asText();
    String id = URI.create(url).getHost().split("\\.")[0];
    // Signed in to the server's origin as a browser is, by the one-time hand-off.
    String link = access.handoffLink(user, id, URI.create(url).getRawPath() + "tree");
    HttpResponse<String> handoff = Engine.viaOriginWith(link, Map.of());
    assertEquals(303, handoff.statusCode(), handoff.body());
    String setCookie = handoff.headers().firstValue("Set-Cookie").orElseThrow();
    return new Launched(user, token, id, url, setCookie.substring(0, setCookie.indexOf(';')));
  }

  private HttpResponse<String> send(String method, String url, Map<String, String> headers)
      throws Exception {
    return send(method, url, headers, null);
  }

  private HttpResponse<String> send(
      String method, String url, Map<String, String> headers, String json) throws Exception {
    URI uri = URI.create(url);
    String pathAndQuery =
        uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + uri.getPort() + pathAndQuery))
            .header("Host", uri.getRawAuthority())
            .method(
                method,
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      b.header("Content-Type", "application/json");
    }
    headers.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String compact(String json) {
    return json.replaceAll("\\s", "");
  }
}
