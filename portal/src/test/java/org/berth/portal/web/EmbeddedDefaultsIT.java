package org.berth.portal.web;

import static org.berth.portal.support.Browserless.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.net.http.HttpResponse;
import java.util.Map;
import org.berth.portal.support.Accounts;
import org.berth.portal.support.Browserless;
import org.berth.portal.support.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Berth on its embedded defaults (an H2 file database), with the first admin from configuration and
 * sign-up turned off: the same migrations and repositories as on PostgreSQL.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmbeddedDefaultsIT implements TestPropertyProvider {

  @Inject EmbeddedServer server;

  @Override
  public Map<String, String> getProperties() {
    Map<String, String> p = TestDatabases.h2();
    p.put("berth.admin.user", "root-admin");
    p.put("berth.admin.password", "admin-password-1");
    p.put("berth.accounts.signup-enabled", "false");
    return p;
  }

  private Browserless browser() {
    return new Browserless(server.getURI());
  }

  @Test
  void firstAdminComesFromConfigurationAndCanSignIn() {
    HttpResponse<String> token =
        browser()
            .json(
                "POST",
                "/api/v1/tokens",
                "{\"name\":\"boot\"}",
                basic("root-admin", "admin-password-1"));
    assertEquals(201, token.statusCode(), token.body());
    String value = token.body().replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
    HttpResponse<String> me = browser().json("GET", "/api/v1/me", null, Browserless.bearer(value));
    assertTrue(me.body().contains("\"admin\":true"), me.body());

    Browserless page = browser();
    HttpResponse<String> login =
        page.submit(
            "/login", "/login", Map.of("username", "root-admin", "password", "admin-password-1"));
    assertEquals(303, login.statusCode());
    assertTrue(page.get("/").body().contains("id=\"launch-form\""));
  }

  @Test
  void signUpCanBeTurnedOff() {
    Browserless b = browser();
    assertEquals(404, b.get("/signup").statusCode());
    b.get("/login");
    String name = Accounts.uniqueName("closed");
    HttpResponse<String> r =
        b.submit("/login", "/signup", Map.of("username", name, "password", Accounts.PASSWORD));
    assertEquals(400, r.statusCode());
    assertTrue(r.body().contains("Sign-up is turned off"));
    assertEquals(
        401,
        browser()
            .json("POST", "/api/v1/tokens", "{\"name\":\"x\"}", basic(name, Accounts.PASSWORD))
            .statusCode());
  }

  @Test
  void aPageThatFailsToRenderAnswersWithAnErrorInsteadOfHanging() throws Exception {
    java.net.http.HttpResponse<String> r =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        server.getURI().resolve("/test-only/broken-view"))
                    .timeout(java.time.Duration.ofSeconds(10))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(500, r.statusCode(), r.body());
  }

  @Test
  void healthAndApiDescriptionAnswerWithoutSignInButMetricsDoNot() {
    HttpResponse<String> health = browser().get("/health");
    assertEquals(200, health.statusCode());
    assertTrue(health.body().contains("\"status\":\"UP\""));

    // Metrics are an admin's (SecurityHeadersIT reads them with an admin's token).
    assertEquals(401, browser().get("/prometheus").statusCode());

    HttpResponse<String> openapi = browser().get("/openapi/berth-0.1.yml");
    assertEquals(200, openapi.statusCode());
    assertTrue(openapi.body().contains("/api/v1/tokens"));
    assertTrue(openapi.body().contains("/api/v1/me"));
  }
}
