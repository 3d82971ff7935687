package org.berth.portal.api;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.berth.portal.support.Accounts;
import org.berth.portal.support.Browserless;
import org.berth.portal.support.TestDatabases;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Personal API tokens through the API and the account page, against the real PostgreSQL. */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenApiIT implements TestPropertyProvider {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Inject EmbeddedServer server;

  private Browserless browser;
  private String user;

  @Override
  public Map<String, String> getProperties() {
    return TestDatabases.postgres();
  }

  @BeforeEach
  void signedInUser() {
    browser = new Browserless(server.getURI());
    user = Accounts.signedIn(browser, "tok");
  }

  @Test
  void passwordCreatesATokenShownOnceThatWorksAsBearer() throws Exception {
    HttpResponse<String> created =
        browser.json("POST", "/api/v1/tokens", "{\"name\":\"ci\"}", basic(user, PASSWORD));
    assertEquals(201, created.statusCode(), created.body());
    String token = JSON.readTree(created.body()).get("token").asText();
    assertTrue(token.startsWith("berth_"));
    assertTrue(
        JSON.readTree(created.body()).get("createdAt").asText().matches("\\d{4}-\\d\\d-\\d\\dT.*"),
        "dates are ISO-8601 text: " + created.body());

    HttpResponse<String> me = anonymous().json("GET", "/api/v1/me", null, bearer(token));
    assertEquals(200, me.statusCode());
    assertEquals(user, JSON.readTree(me.body()).get("username").asText());

    HttpResponse<String> list = anonymous().json("GET", "/api/v1/tokens", null, bearer(token));
    assertEquals(200, list.statusCode());
    assertTrue(list.body().contains("\"ci\""));
    assertFalse(list.body().contains(token), "a listed token must not reveal its value");
  }

  @Test
  void revokedTokenIsRefused() throws Exception {
    JsonNode created = create(basic(user, PASSWORD));
    String token = created.get("token").asText();
    long id = created.get("id").asLong();

    assertEquals(
        204, anonymous().json("DELETE", "/api/v1/tokens/" + id, null, bearer(token)).statusCode());
    assertEquals(401, anonymous().json("GET", "/api/v1/me", null, bearer(token)).statusCode());
    assertEquals(
        401, anonymous().json("DELETE", "/api/v1/tokens/" + id, null, bearer(token)).statusCode());
  }

  @Test
  void unknownTokenIsRefusedWithABearerChallenge() {
    HttpResponse<String> r =
        anonymous().json("GET", "/api/v1/me", null, bearer("berth_" + "A".repeat(43)));
    assertEquals(401, r.statusCode());
    assertEquals(
        "Bearer realm=\"berth\"", r.headers().firstValue("WWW-Authenticate").orElseThrow());
    assertTrue(r.body().contains("valid API token"));
    assertEquals(401, anonymous().json("GET", "/api/v1/me", null, Map.of()).statusCode());
  }

  @Test
  void wrongPasswordCreatesNoToken() throws Exception {
    HttpResponse<String> r =
        anonymous().json("POST", "/api/v1/tokens", "{\"name\":\"x\"}", basic(user, "wrong-pw-1"));
    assertEquals(401, r.statusCode());
    assertEquals(0, tokenCount());
  }

  @Test
  void passwordIsAcceptedOnlyToCreateATokenNotForOtherCalls() {
    assertEquals(
        401, anonymous().json("GET", "/api/v1/me", null, basic(user, PASSWORD)).statusCode());
    assertEquals(
        401, anonymous().json("GET", "/api/v1/tokens", null, basic(user, PASSWORD)).statusCode());
  }

  @Test
  void malformedJsonIsRefusedAndCreatesNoToken() throws Exception {
    HttpResponse<String> r =
        anonymous().json("POST", "/api/v1/tokens", "{\"name\":", basic(user, PASSWORD));
    assertEquals(400, r.statusCode());
    assertTrue(r.body().contains("Invalid JSON"), r.body());
    HttpResponse<String> blank =
        anonymous().json("POST", "/api/v1/tokens", "{\"name\":\"  \"}", basic(user, PASSWORD));
    assertEquals(400, blank.statusCode());
    assertTrue(blank.body().contains("Give the token a name"), blank.body());
    assertEquals(0, tokenCount());
  }

  @Test
  void browserSessionNeedsTheCsrfHeaderToCreateATokenThroughTheApi() throws Exception {
    HttpResponse<String> forged =
        browser.json("POST", "/api/v1/tokens", "{\"name\":\"x\"}", Map.of());
    assertEquals(403, forged.statusCode());
    assertEquals(0, tokenCount());

    String csrf = Browserless.csrfIn(browser.get("/").body());
    HttpResponse<String> ok =
        browser.json("POST", "/api/v1/tokens", "{\"name\":\"x\"}", Map.of("X-CSRF-Token", csrf));
    assertEquals(201, ok.statusCode());
    assertEquals(1, tokenCount());
  }

  @Test
  void oneUserCannotRevokeAnothersToken() throws Exception {
    JsonNode mine = create(basic(user, PASSWORD));
    Browserless other = new Browserless(server.getURI());
    String otherUser = Accounts.signedIn(other, "other");
    String otherToken = create(basic(otherUser, PASSWORD)).get("token").asText();

    HttpResponse<String> r =
        anonymous()
            .json("DELETE", "/api/v1/tokens/" + mine.get("id").asLong(), null, bearer(otherToken));
    assertEquals(404, r.statusCode());
    assertEquals(
        200,
        anonymous()
            .json("GET", "/api/v1/me", null, bearer(mine.get("token").asText()))
            .statusCode());
  }

  @Test
  void accountPageShowsANewTokenOnceAndRevokesIt() {
    HttpResponse<String> created =
        browser.submit("/account", "/account/tokens", Map.of("name", "laptop"));
    assertEquals(303, created.statusCode());
    assertEquals("/account", created.headers().firstValue("Location").orElseThrow());
    String shown = browser.get("/account").body();
    Matcher m = Pattern.compile("id=\"new-token\">(berth_[^<]+)<").matcher(shown);
    assertTrue(m.find(), shown);
    String token = m.group(1);
    assertEquals(200, anonymous().json("GET", "/api/v1/me", null, bearer(token)).statusCode());

    String again = browser.get("/account").body();
    assertFalse(again.contains(token), "the token must be shown only once");
    assertTrue(again.contains("<td class=\"token-name\" data-label=\"Name\">laptop</td>"));

    Matcher revoke = Pattern.compile("action=\"(/account/tokens/\\d+/revoke)\"").matcher(again);
    assertTrue(revoke.find());
    HttpResponse<String> revoked = browser.submit("/account", revoke.group(1), Map.of());
    assertEquals(303, revoked.statusCode());
    assertEquals(401, anonymous().json("GET", "/api/v1/me", null, bearer(token)).statusCode());
    assertFalse(browser.get("/account").body().contains("class=\"token-row\""));
  }

  private Browserless anonymous() {
    return new Browserless(server.getURI());
  }

  private JsonNode create(Map<String, String> auth) throws Exception {
    HttpResponse<String> r = anonymous().json("POST", "/api/v1/tokens", "{\"name\":\"t\"}", auth);
    assertEquals(201, r.statusCode(), r.body());
    return JSON.readTree(r.body());
  }

  private int tokenCount() throws Exception {
    // Counted through the page a person would look at.
    String page = browser.get("/account").body();
    return page.split("class=\"token-row\"", -1).length - 1;
  }
}
