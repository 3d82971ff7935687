package org.berth.portal.web;

import static org.berth.portal.support.Accounts.PASSWORD;
import static org.berth.portal.support.Browserless.basic;
import static org.berth.portal.support.Browserless.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.berth.launch.Route;
import org.berth.launch.ServerName;
import org.berth.launch.UserName;
import org.berth.portal.account.AccountService;
import org.berth.portal.proxy.OriginAccess;
import org.berth.portal.proxy.ServerDirectory;
import org.berth.portal.proxy.ServerOriginProxy;
import org.berth.portal.support.Accounts;
import org.berth.portal.support.Browserless;
import org.berth.portal.support.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The headers every portal answer carries, who may read the metrics, and cookies behind a TLS front
 * end.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecurityHeadersIT implements TestPropertyProvider {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ADMIN = "metrics-admin";

  @Inject EmbeddedServer server;

  @Override
  public Map<String, String> getProperties() {
    Map<String, String> p = TestDatabases.h2();
    p.put("berth.admin.user", ADMIN);
    p.put("berth.admin.password", PASSWORD);
    return p;
  }

  @Test
  void everyAnswerOfThePortalCarriesTheSecurityHeaders() {
    Browserless browser = new Browserless(server.getURI());
    for (String path :
        List.of("/login", "/signup", "/static/berth.css", "/api/v1/me", "/no-such-page", "/")) {
      HttpResponse<String> r = browser.get(path);
      String csp = r.headers().firstValue("Content-Security-Policy").orElse("");
      assertTrue(csp.contains("frame-ancestors 'self'"), path + ": " + csp);
      assertTrue(csp.contains("default-src 'self'"), path + ": " + csp);
      assertFalse(csp.contains("unsafe-inline"), path + ": " + csp);
      assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(""), path);
      assertEquals("same-origin", r.headers().firstValue("Referrer-Policy").orElse(""), path);
    }
  }

  @Test
  void metricsNeedAnAdminsToken() throws Exception {
    Browserless anyone = new Browserless(server.getURI());
    assertEquals(401, anyone.get("/prometheus").statusCode());
    String user = Accounts.signedIn(new Browserless(server.getURI()), "curious");
    assertEquals(403, anyone.get("/prometheus", bearer(token(server, user))).statusCode());
    HttpResponse<String> admin = anyone.get("/prometheus", bearer(token(server, ADMIN)));
    assertEquals(200, admin.statusCode());
    assertTrue(admin.body().contains("jvm_memory_used_bytes"), "no JVM metrics exported");
  }

  @Test
  void behindATlsFrontEndCookiesAreSecureAndMayBePrefixedAndMetricsCanBePublic() throws Exception {
    Map<String, Object> props = new java.util.HashMap<>(TestDatabases.h2());
    props.put("berth.http.secure-cookies", "true");
    props.put("berth.metrics.public", "true");
    props.put("berth.proxy.public-scheme", "https");
    try (ApplicationContext ctx = ApplicationContext.run(props)) {
      EmbeddedServer tls = ctx.getBean(EmbeddedServer.class).start();
      // Secure cookies are never sent back over plain http, so this test carries them by hand.
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> form =
          http.send(
              HttpRequest.newBuilder(tls.getURI().resolve("/login")).build(),
              HttpResponse.BodyHandlers.ofString());
      String csrfCookie = setCookie(form, "berth_csrf");
      assertTrue(csrfCookie.contains("Secure"), csrfCookie);
      String name = Accounts.uniqueName("tls");
      ctx.getBean(AccountService.class).create(new UserName(name), PASSWORD, false);
      String body =
          "_csrf="
              + Browserless.csrfIn(form.body())
              + "&username="
              + name
              + "&password="
              + PASSWORD;
      HttpResponse<String> login =
          http.send(
              HttpRequest.newBuilder(tls.getURI().resolve("/login"))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .header("Cookie", csrfCookie.substring(0, csrfCookie.indexOf(';')))
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(303, login.statusCode(), login.body());
      assertTrue(setCookie(login, "berth_session").contains("Secure"));
      assertEquals(200, new Browserless(tls.getURI()).get("/prometheus").statusCode());

      // The server origin's cookie: __Host- prefixed, Secure, Path=/ and no Domain.
      ServerDirectory directory = ctx.getBean(ServerDirectory.class);
      directory.open(
          new Route(
              "tls1", new UserName(name), new ServerName("s"), "127.0.0.1", 9, "t".repeat(48)));
      String link = ctx.getBean(OriginAccess.class).handoffLink(name, "tls1", "/");
      assertTrue(link.startsWith("https://tls1.localhost"), link);
      int port = ctx.getBean(ServerOriginProxy.class).port();
      HttpResponse<String> handoff =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://127.0.0.1:" + port + link.substring(link.indexOf("/_berth"))))
                      .header("Host", "tls1.localhost:" + port)
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      String cookie = setCookie(handoff, "__Host-berth_origin");
      assertTrue(cookie.contains("Secure") && cookie.contains("Path=/"), cookie);
      assertFalse(cookie.toLowerCase().contains("domain="), cookie);
    }
  }

  private static String setCookie(HttpResponse<String> r, String name) {
    return r.headers().allValues("Set-Cookie").stream()
        .filter(c -> c.startsWith(name + "="))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " cookie in " + r.headers().map()));
  }

  private static String token(EmbeddedServer server, String user) throws Exception {
    HttpResponse<String> r =
        new Browserless(server.getURI())
            .json("POST", "/api/v1/tokens", "{\"name\":\"t\"}", basic(user, PASSWORD));
    assertEquals(201, r.statusCode(), r.body());
    return JSON.readTree(r.body()).get("token").asText();
  }
}
