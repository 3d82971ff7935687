package org.berth.portal.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.net.http.HttpResponse;
import java.util.Map;
import org.berth.imagecache.testing.TestRegistry;
import org.berth.portal.support.Accounts;
import org.berth.portal.support.Browserless;
import org.berth.portal.support.TestDatabases;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every error a browser can meet is Berth's own page (header, plain message, status, a way back);
 * API clients keep getting JSON. Against the real PostgreSQL, with building set up (a registry of
 * the class's own), so that a build page that does not exist is one Berth could have shown.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ErrorPagesIT implements TestPropertyProvider {

  @RegisterExtension static final TestRegistry REGISTRY = new TestRegistry();

  private static final Map<String, String> BROWSER =
      Map.of("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");

  @Inject EmbeddedServer server;

  private Browserless signedIn;
  private String user;

  @Override
  public Map<String, String> getProperties() {
    return TestDatabases.withRegistry(TestDatabases.postgres(), REGISTRY);
  }

  @BeforeAll
  void signIn() {
    signedIn = new Browserless(server.getURI());
    user = Accounts.signedIn(signedIn, "err");
  }

  @Test
  void errorsABrowserMeetsAreBerthsPagesWithAWayBack() {
    assertPage(signedIn.get("/no/such/page", BROWSER), 404, "Not found", "no page at this address");
    assertPage(
        signedIn.get("/servers/nosuch/open", BROWSER), 404, "Not found", "no server named nosuch");
    assertPage(signedIn.get("/servers/nosuch", BROWSER), 404, "Not found", "no server named");
    assertPage(
        signedIn.get("/servers/nosuch/delete", BROWSER), 404, "Not found", "no server named");
    assertPage(
        signedIn.get("/servers/Bad_Name", BROWSER), 400, "Cannot do that", "lowercase letters");
    assertPage(
        signedIn.get("/servers/nosuch/launching", BROWSER), 404, "Not found", "no server named");
    assertPage(signedIn.get("/builds/nosuch", BROWSER), 404, "Not found", "There is no build");
    assertPage(
        signedIn.get("/api/v1/servers/nosuch", BROWSER), 404, "Not found", "no server named");
    assertPage(signedIn.get("/logout", BROWSER), 405, "Not here", "does not take that kind");
    HttpResponse<String> page = signedIn.get("/no/such/page", BROWSER);
    assertTrue(page.body().contains("<span id=\"current-user\">" + user + "</span>"), page.body());
  }

  @Test
  void signedOutBrowsersGetThePageTooAndNoStackTraceEver() {
    Browserless anonymous = signedIn.another();
    HttpResponse<String> r = anonymous.get("/nothing-here", BROWSER);
    assertPage(r, 404, "Not found", "no page at this address");
    assertTrue(r.body().contains("href=\"/login\""), "signed out: a way to sign in");
    HttpResponse<String> broken = anonymous.get("/test-only/broken-view", BROWSER);
    assertPage(broken, 500, "Something went wrong", "Something went wrong inside Berth");
    assertFalse(broken.body().contains("Exception"), broken.body());
  }

  @Test
  void apiClientsKeepGettingJson() {
    HttpResponse<String> unknown = signedIn.get("/api/v1/servers/nosuch");
    assertEquals(404, unknown.statusCode());
    assertTrue(unknown.headers().firstValue("Content-Type").orElse("").contains("json"));
    assertEquals("{\"status\":404,\"error\":\"You have no server named nosuch.\"}", unknown.body());
    HttpResponse<String> noRoute = signedIn.get("/api/v1/no-such-thing");
    assertEquals(404, noRoute.statusCode());
    assertTrue(noRoute.body().startsWith("{\"status\":404,"), noRoute.body());
    HttpResponse<String> scripted =
        signedIn.get("/api/v1/servers/nosuch", Map.of("Accept", "application/json"));
    assertTrue(scripted.body().startsWith("{"), scripted.body());
  }

  private static void assertPage(
      HttpResponse<String> r, int status, String heading, String message) {
    String body = r.body();
    assertEquals(status, r.statusCode(), body);
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/html"), body);
    assertTrue(body.contains("<title>" + heading + " · Berth</title>"), body);
    assertTrue(body.contains("class=\"brand\""), "the Berth header: " + body);
    assertTrue(body.contains("<h1>" + heading + "</h1>"), body);
    assertTrue(body.contains(message), body);
    assertTrue(body.contains("Error <span id=\"error-status\">" + status + "</span>"), body);
    assertTrue(body.contains("id=\"back-link\" class=\"button\" href=\"/servers\""), body);
  }
}
