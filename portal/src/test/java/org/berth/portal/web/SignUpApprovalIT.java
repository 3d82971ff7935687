package org.berth.portal.web;

import static org.berth.portal.support.Accounts.PASSWORD;
import static org.berth.portal.support.Browserless.basic;
import static org.berth.portal.support.Browserless.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

/** With {@code berth.accounts.signup-approval}, new accounts wait until an admin approves them. */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SignUpApprovalIT implements TestPropertyProvider {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ADMIN = "boss";

  @Inject EmbeddedServer server;

  @Override
  public Map<String, String> getProperties() {
    Map<String, String> p = TestDatabases.h2();
    p.put("berth.accounts.signup-approval", "true");
    p.put("berth.admin.user", ADMIN);
    p.put("berth.admin.password", PASSWORD);
    return p;
  }

  @Test
  void aNewAccountWaitsUntilAnAdminApprovesItThroughTheApi() throws Exception {
    Browserless browser = new Browserless(server.getURI());
    String name = Accounts.uniqueName("newbie");
    HttpResponse<String> signup =
        browser.submit("/signup", "/signup", Map.of("username", name, "password", PASSWORD));
    assertEquals(303, signup.statusCode(), signup.body());
    String landing = signup.headers().firstValue("Location").orElseThrow();
    assertTrue(browser.get(landing).body().contains("administrator must approve"), landing);

    HttpResponse<String> early = login(browser, name);
    assertEquals(403, early.statusCode());
    assertTrue(early.body().contains("waits for an administrator"), early.body());
    assertTrue(browser.cookie("berth_session").isEmpty(), "no session before approval");
    HttpResponse<String> script =
        anonymous().json("POST", "/api/v1/tokens", "{\"name\":\"t\"}", basic(name, PASSWORD));
    assertEquals(403, script.statusCode(), script.body());
    // A wrong password says only that: nobody learns the account exists and waits.
    assertEquals(
        401,
        new Browserless(server.getURI())
            .submit("/login", "/login", Map.of("username", name, "password", "wrong-password"))
            .statusCode());

    String admin = token(ADMIN);
    HttpResponse<String> pending =
        anonymous().json("GET", "/api/v1/admin/accounts?status=pending", null, bearer(admin));
    assertEquals(200, pending.statusCode(), pending.body());
    assertTrue(names(pending).contains(name), pending.body());

    String other = Accounts.uniqueName("other");
    assertEquals(
        303,
        browser
            .submit("/signup", "/signup", Map.of("username", other, "password", PASSWORD))
            .statusCode());
    HttpResponse<String> notAdmin =
        anonymous().json("GET", "/api/v1/admin/accounts", null, bearer(admin + "x"));
    assertEquals(401, notAdmin.statusCode());

    assertEquals(
        204,
        anonymous()
            .json("POST", "/api/v1/admin/accounts/" + name + "/approve", null, bearer(admin))
            .statusCode());
    assertFalse(
        names(anonymous().json("GET", "/api/v1/admin/accounts?status=pending", null, bearer(admin)))
            .contains(name));
    assertEquals(303, login(browser, name).statusCode());
    // An approved user is no admin.
    String userToken = token(name);
    assertEquals(
        403,
        anonymous().json("GET", "/api/v1/admin/accounts", null, bearer(userToken)).statusCode());
    assertEquals(
        403,
        anonymous()
            .json("POST", "/api/v1/admin/accounts/" + other + "/approve", null, bearer(userToken))
            .statusCode());
    assertEquals(
        404,
        anonymous()
            .json("POST", "/api/v1/admin/accounts/nobody-here/approve", null, bearer(admin))
            .statusCode());
  }

  @Test
  void theAdminPageListsWaitingAccountsAndApprovesThem() {
    Browserless newbie = new Browserless(server.getURI());
    String name = Accounts.uniqueName("waiting");
    newbie.submit("/signup", "/signup", Map.of("username", name, "password", PASSWORD));

    Browserless admin = new Browserless(server.getURI());
    Accounts.signIn(admin, ADMIN);
    String page = admin.get("/admin/accounts").body();
    assertTrue(page.contains(name), page);
    HttpResponse<String> approved =
        admin.submit("/admin/accounts", "/admin/accounts/" + name + "/approve", Map.of());
    assertEquals(303, approved.statusCode(), approved.body());
    assertFalse(admin.get("/admin/accounts").body().contains(name));
    assertEquals(303, login(newbie, name).statusCode());

    Browserless user = new Browserless(server.getURI());
    Accounts.signIn(user, name);
    assertEquals(403, user.get("/admin/accounts").statusCode());
  }

  private Browserless anonymous() {
    return new Browserless(server.getURI());
  }

  private String token(String user) throws Exception {
    HttpResponse<String> r =
        anonymous().json("POST", "/api/v1/tokens", "{\"name\":\"t\"}", basic(user, PASSWORD));
    assertEquals(201, r.statusCode(), r.body());
    return JSON.readTree(r.body()).get("token").asText();
  }

  private static java.util.List<String> names(HttpResponse<String> r) throws Exception {
    java.util.List<String> names = new java.util.ArrayList<>();
    for (JsonNode a : JSON.readTree(r.body())) {
      names.add(a.get("username").asText());
    }
    return names;
  }

  private static HttpResponse<String> login(Browserless browser, String name) {
    return browser.submit("/login", "/login", Map.of("username", name, "password", PASSWORD));
  }
}
