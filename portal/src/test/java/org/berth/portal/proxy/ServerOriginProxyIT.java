package org.berth.portal.proxy;

import static org.berth.portal.support.Accounts.PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.berth.launch.Route;
import org.berth.launch.ServerName;
import org.berth.launch.UserName;
import org.berth.portal.support.Accounts;
import org.berth.portal.support.Browserless;
import org.berth.portal.support.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The proxy to servers' own origins, in front of a real HTTP and WebSocket server on loopback: who
 * gets through, what the server receives, and WebSocket traffic.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerOriginProxyIT implements TestPropertyProvider {

  private static final String SERVER_TOKEN = "server-secret-token";
  private static final String OTHER_TOKEN = "another-server-token";

  /** What the server's answers show instead of its token. */
  private static final String MASKED = "x".repeat(SERVER_TOKEN.length());

  @Inject EmbeddedServer portal;
  @Inject ServerOriginProxy proxy;
  @Inject ServerDirectory directory;
  @Inject OriginAccess access;

  private final HttpClient http = HttpClient.newHttpClient();
  private EchoServer backend;
  private String owner;
  private String stranger;
  private String serverId;

  @Override
  public Map<String, String> getProperties() {
    return TestDatabases.h2();
  }

  @BeforeAll
  void startBackendAndUsers() throws Exception {
    if (!"host".equals(System.getProperty("jdk.httpclient.allowRestrictedHeaders"))) {
      throw new IllegalStateException(
          "Run with -Djdk.httpclient.allowRestrictedHeaders=host (set in portal/pom.xml).");
    }
    backend = new EchoServer();
    owner = Accounts.signedIn(new Browserless(portal.getURI()), "owner");
    stranger = Accounts.signedIn(new Browserless(portal.getURI()), "stranger");
    serverId = "s" + Long.toString(System.nanoTime(), 36);
    directory.open(route(serverId, owner, backend.port(), SERVER_TOKEN));
  }

  @AfterAll
  void stopBackend() {
    backend.close();
  }

  @Test
  void handoffSignsTheOwnerInAndRequestsCarryTheServerTokenNotBerthCookies() throws Exception {
    String cookie = handoff(owner, serverId, "/user/x/tree");

    HttpResponse<String> r =
        get(serverId, "/user/x/api/contents", "berth_session=portal-secret; _xsrf=abc; " + cookie);
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.body().contains("path=/user/x/api/contents"));
    assertTrue(r.body().contains(sent("token " + SERVER_TOKEN)), r.body());
    assertTrue(r.body().contains("authorization=token " + MASKED), "blanked on its way back");
    assertTrue(r.body().contains("cookie=_xsrf=abc"), r.body());
    assertFalse(r.body().contains("berth_"), "Berth's cookies must never reach a server");
    assertTrue(directory.lastActivity(directory.find(serverId).orElseThrow()).isPresent());

    // A browser's own ?token= never reaches the server: the proxy alone authenticates.
    HttpResponse<String> withToken = get(serverId, "/user/x/tree?token=guess&a=1", cookie);
    assertTrue(withToken.body().contains("path=/user/x/tree?a=1\n"), withToken.body());
  }

  @Test
  void signingOutOfBerthClosesTheServersOrigin() throws Exception {
    Browserless browser = new Browserless(portal.getURI());
    String user = Accounts.signedIn(browser, "leaver");
    String id = "l" + Long.toString(System.nanoTime(), 36);
    directory.open(route(id, user, backend.port(), OTHER_TOKEN));
    String cookie = handoff(user, id, "/");
    assertEquals(200, get(id, "/", cookie).statusCode());

    assertEquals(303, browser.submit("/", "/logout", Map.of()).statusCode());
    assertEquals(404, get(id, "/", cookie).statusCode());
    directory.close(id);
  }

  @Test
  void aHandoffLinkWorksOnceAndOnlyForItsServer() throws Exception {
    String link = access.handoffLink(owner, serverId, "/");
    String pathAndQuery = link.substring(link.indexOf("/_berth"));
    assertEquals(303, get(serverId, pathAndQuery, null).statusCode());
    HttpResponse<String> again = get(serverId, pathAndQuery, null);
    assertEquals(403, again.statusCode());
    assertTrue(again.body().contains("used or has expired"));

    String other = access.handoffLink(owner, serverId, "/");
    assertEquals(
        403, get("zz" + serverId, other.substring(other.indexOf("/_berth")), null).statusCode());
  }

  @Test
  void handoffNeverRedirectsOffTheOrigin() throws Exception {
    String link = access.handoffLink(owner, serverId, "//evil.example/x");
    HttpResponse<String> r = get(serverId, link.substring(link.indexOf("/_berth")), null);
    assertEquals("/", r.headers().firstValue("Location").orElseThrow());

    // A hand-off link edited by hand: each next= as it would sit in the query string.
    for (String next :
        new String[] {
          "/%09/evil.example",
          "/%0a/evil.example",
          "%2F%2Fevil.example",
          "//evil.example",
          "https://evil.example",
          "https:%2F%2Fevil.example",
          "/%5Cevil.example",
        }) {
      String valid = access.handoffLink(owner, serverId, "/");
      String edited =
          valid.substring(valid.indexOf("/_berth"), valid.indexOf("&next=")) + "&next=" + next;
      HttpResponse<String> landed = get(serverId, edited, null);
      assertEquals(303, landed.statusCode(), next);
      assertEquals("/", landed.headers().firstValue("Location").orElseThrow(), next);
    }
  }

  @Test
  void strangersAndAnonymousVisitorsSeeNoServer() throws Exception {
    assertEquals(404, get(serverId, "/", null).statusCode());
    assertEquals(404, get(serverId, "/", "berth_origin=forged-value").statusCode());
    // The portal's own session cookie is no key to a server's origin.
    Browserless ownerBrowser = new Browserless(portal.getURI());
    Accounts.signIn(ownerBrowser, owner);
    String session = ownerBrowser.cookie("berth_session").orElseThrow();
    assertEquals(404, get(serverId, "/", "berth_session=" + session).statusCode());

    // A stranger's hand-off for this server does not admit them.
    String strangerCookie = handoff(stranger, serverId, "/");
    HttpResponse<String> r = get(serverId, "/", strangerCookie);
    assertEquals(404, r.statusCode());
    assertFalse(r.body().contains("path="), "nothing may reach the server");

    // The owner's cookie for this server is no key to another server.
    String other = "o" + Long.toString(System.nanoTime(), 36);
    directory.open(route(other, stranger, backend.port(), OTHER_TOKEN));
    assertEquals(404, get(other, "/", handoff(owner, serverId, "/")).statusCode());
    directory.close(other);
  }

  @Test
  void scriptsComeInWithTheirApiTokenAndOthersAreForbidden() throws Exception {
    String ownerToken = apiToken(owner);
    HttpResponse<String> ok = get(serverId, "/api/status", null, "Bearer " + ownerToken);
    assertEquals(200, ok.statusCode());
    assertTrue(ok.body().contains(sent("token " + SERVER_TOKEN)), ok.body());
    assertEquals(200, get(serverId, "/api/status", null, "token " + ownerToken).statusCode());

    HttpResponse<String> forbidden =
        get(serverId, "/api/status", null, "Bearer " + apiToken(stranger));
    assertEquals(403, forbidden.statusCode());
    assertEquals(
        404, get(serverId, "/api/status", null, "Bearer berth_" + "x".repeat(43)).statusCode());
  }

  @Test
  void hostsThatAreNotServerOriginsAreRefused() throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + "/")).build();
    assertEquals(404, http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode());
  }

  @Test
  void webSocketTrafficFlowsThroughForTheOwnerOnly() throws Exception {
    String cookie = handoff(owner, serverId, "/");
    try (RawWebSocket ws = new RawWebSocket(proxy.port(), host(serverId), "/ws", cookie)) {
      assertTrue(ws.handshakeStatus.contains("101"), ws.handshakeStatus);
      for (int i = 0; i < 3; i++) {
        ws.sendText("ping " + i);
        assertEquals("echo:ping " + i, ws.readText());
      }
    }
    try (RawWebSocket ws = new RawWebSocket(proxy.port(), host(serverId), "/ws", null)) {
      assertTrue(ws.handshakeStatus.contains("404"), ws.handshakeStatus);
    }
  }

  @Test
  void theJdkWebSocketClientWorksThroughTheProxy() throws Exception {
    String cookie = handoff(owner, serverId, "/");
    java.util.concurrent.LinkedBlockingQueue<String> received =
        new java.util.concurrent.LinkedBlockingQueue<>();
    java.net.http.WebSocket ws =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .header("Host", host(serverId))
            .header("Cookie", cookie)
            .buildAsync(
                URI.create("ws://127.0.0.1:" + proxy.port() + "/ws"),
                new java.net.http.WebSocket.Listener() {
                  @Override
                  public java.util.concurrent.CompletionStage<?> onText(
                      java.net.http.WebSocket w, CharSequence data, boolean last) {
                    received.add(data.toString());
                    w.request(1);
                    return null;
                  }
                })
            .get(5, java.util.concurrent.TimeUnit.SECONDS);
    for (int i = 0; i < 3; i++) {
      ws.sendText("jdk " + i, true).get(5, java.util.concurrent.TimeUnit.SECONDS);
      assertEquals(
          "echo:jdk " + i, received.poll(5, java.util.concurrent.TimeUnit.SECONDS), "reply " + i);
    }
    ws.abort();
  }

  @Test
  void aStoppedServerGivesAClearBadGateway() throws Exception {
    String gone = "g" + Long.toString(System.nanoTime(), 36);
    int freePort;
    try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      freePort = s.getLocalPort();
    }
    directory.open(route(gone, owner, freePort, OTHER_TOKEN));
    HttpResponse<String> r = get(gone, "/", handoff(owner, gone, "/"));
    assertEquals(502, r.statusCode());
    assertTrue(r.body().contains("not answering"));
    directory.close(gone);
  }

  @Test
  void theOwnerOfAStoppedServerGetsAPageSayingSoWithAWayBackToBerth() throws Exception {
    String stopped = "n" + Long.toString(System.nanoTime(), 36);
    directory.open(route(stopped, owner, backend.port(), SERVER_TOKEN));
    String cookie = handoff(owner, stopped, "/");
    directory.close(stopped);

    HttpResponse<String> page = get(stopped, "/tree", cookie, null, "text/html,*/*;q=0.8");
    assertEquals(503, page.statusCode());
    assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
    assertTrue(page.body().contains("<title>Server not running · Berth</title>"), page.body());
    assertTrue(page.body().contains("href=\"" + portal.getURL() + "/servers\""), page.body());
    String policy = page.headers().firstValue("Content-Security-Policy").orElseThrow();
    assertTrue(policy.startsWith("default-src 'none'; style-src 'sha256-"), policy);
    assertFalse(page.body().contains("<script"), "the page runs nothing on the server's origin");

    HttpResponse<String> api = get(stopped, "/api/kernels", cookie, null, "application/json");
    assertEquals(503, api.statusCode());
    assertTrue(api.body().startsWith("{\"status\":503,\"error\":\"This server is not running"));

    // Anyone else still learns nothing: no server here.
    HttpResponse<String> stranger = get(stopped, "/tree", null, null, "text/html");
    assertEquals(404, stranger.statusCode());
    assertTrue(stranger.body().contains("No server here"), stranger.body());
  }

  /** The echo server's line saying which Authorization it received. */
  private static String sent(String authorization) {
    return "authorization-sha256=" + EchoServer.sha256(authorization);
  }

  private String host(String id) {
    return id + ".localhost:" + proxy.port();
  }

  /** Follows a hand-off link as a browser would; returns the origin cookie it set. */
  private String handoff(String user, String id, String next) throws Exception {
    String link = access.handoffLink(user, id, next);
    assertTrue(link.startsWith("http://" + host(id) + "/_berth/handoff?code="), link);
    HttpResponse<String> r = get(id, link.substring(link.indexOf("/_berth")), null);
    assertEquals(303, r.statusCode());
    assertEquals(next, r.headers().firstValue("Location").orElseThrow());
    String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
    assertTrue(setCookie.contains("HTTPOnly") || setCookie.contains("HttpOnly"), setCookie);
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  private String apiToken(String user) {
    HttpResponse<String> r =
        new Browserless(portal.getURI())
            .json("POST", "/api/v1/tokens", "{\"name\":\"p\"}", Browserless.basic(user, PASSWORD));
    return r.body().replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
  }

  private HttpResponse<String> get(String id, String path, String cookie) throws Exception {
    return get(id, path, cookie, null);
  }

  private HttpResponse<String> get(String id, String path, String cookie, String authorization)
      throws Exception {
    return get(id, path, cookie, authorization, null);
  }

  private HttpResponse<String> get(
      String id, String path, String cookie, String authorization, String accept) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + path))
            .header("Host", host(id));
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    if (accept != null) {
      b.header("Accept", accept);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Route route(String serverId, String owner, int port, String token) {
    return new Route(serverId, new UserName(owner), new ServerName("s"), "127.0.0.1", port, token);
  }
}
