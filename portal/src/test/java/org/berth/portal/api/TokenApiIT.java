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
import java.time.Duration;
import java.time.Instant;
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
    Map<String, String> p = TestDatabases.postgres();
    p.put("berth.accounts.token-ttl", "30d");
    return p;
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

  @Test
  void tokensExpire() throws Exception {
    HttpResponse<String> r =
        anonymous()
            .json(
                "POST",
                "/api/v1/tokens",
                "{\"name\":\"brief\",\"expiresIn\":\"2s\"}",
                basic(user, PASSWORD));
    assertEquals(201, r.statusCode(), r.body());
    String token = JSON.readTree(r.body()).get("token").asText();
    assertEquals(200, anonymous().json("GET", "/api/v1/me", null, bearer(token)).statusCode());
    Thread.sleep(2500);
    assertEquals(401, anonymous().json("GET", "/api/v1/me", null, bearer(token)).statusCode());
  }

  @Test
  void aTokenLastsTheConfiguredTimeUnlessItAsksForLessAndNeverMoreThanTheMost() throws Exception {
    JsonNode plain = create(basic(user, PASSWORD));
    Instant expires = Instant.parse(plain.get("expiresAt").asText());
    Instant expected = Instant.now().plus(Duration.ofDays(30));
    assertTrue(
        Duration.between(expires, expected).abs().toMinutes() < 5,
        "berth.accounts.token-ttl (30d here): " + plain);
    assertEquals("full", plain.get("scope").asText());

    HttpResponse<String> tooLong =
        anonymous()
            .json(
                "POST",
                "/api/v1/tokens",
                "{\"name\":\"forever\",\"expiresIn\":\"400d\"}",
                basic(user, PASSWORD));
    assertEquals(400, tooLong.statusCode(), tooLong.body());
    assertTrue(tooLong.body().contains("at most 365 days"), tooLong.body());
    HttpResponse<String> nonsense =
        anonymous()
            .json(
                "POST",
                "/api/v1/tokens",
                "{\"name\":\"x\",\"expiresIn\":\"soon\"}",
                basic(user, PASSWORD));
    assertEquals(400, nonsense.statusCode(), nonsense.body());
    assertTrue(nonsense.body().contains("30d"), "the message shows the form: " + nonsense.body());
    assertEquals(1, tokenCount(), "refused requests make no token");
  }

  @Test
  void aServersTokenOnlyManagesServers() throws Exception {
    HttpResponse<String> r =
        anonymous()
            .json(
                "POST",
                "/api/v1/tokens",
                "{\"name\":\"launcher\",\"scope\":\"servers\"}",
                basic(user, PASSWORD));
    assertEquals(201, r.statusCode(), r.body());
    assertEquals("servers", JSON.readTree(r.body()).get("scope").asText());
    String token = JSON.readTree(r.body()).get("token").asText();

    assertEquals(200, anonymous().json("GET", "/api/v1/servers", null, bearer(token)).statusCode());
    assertEquals(
        404, anonymous().json("GET", "/api/v1/servers/none", null, bearer(token)).statusCode());
    HttpResponse<String> me = anonymous().json("GET", "/api/v1/me", null, bearer(token));
    assertEquals(403, me.statusCode());
    assertTrue(me.body().contains("scope"), me.body());
    assertEquals(
        403,
        anonymous()
            .json("POST", "/api/v1/tokens", "{\"name\":\"more\"}", bearer(token))
            .statusCode(),
        "only a full token mints tokens");
    assertEquals(
        403, anonymous().json("GET", "/api/v1/builds/x", null, bearer(token)).statusCode());
    assertEquals(
        403, anonymous().json("GET", "/api/v1/serversx", null, bearer(token)).statusCode());
    HttpResponse<String> bad =
        anonymous()
            .json(
                "POST",
                "/api/v1/tokens",
                "{\"name\":\"x\",\"scope\":\"root\"}",
                basic(user, PASSWORD));
    assertEquals(400, bad.statusCode());
    assertTrue(bad.body().contains("servers"), bad.body());
  }

  @Test
  void revokingATokenRevokesTheTokensItMinted() throws Exception {
    JsonNode parent = create(basic(user, PASSWORD));
    String parentToken = parent.get("token").asText();
    HttpResponse<String> c =
        anonymous()
            .json(
                "POST",
                "/api/v1/tokens",
                "{\"name\":\"child\",\"expiresIn\":\"365d\"}",
                bearer(parentToken));
    assertEquals(201, c.statusCode(), c.body());
    JsonNode child = JSON.readTree(c.body());
    assertTrue(
        !Instant.parse(child.get("expiresAt").asText())
            .isAfter(Instant.parse(parent.get("expiresAt").asText())),
        "a minted token never outlives the one that minted it");
    String childToken = child.get("token").asText();
    HttpResponse<String> g =
        anonymous()
            .json(
                "POST",
                "/api/v1/tokens",
                "{\"name\":\"grandchild\",\"scope\":\"servers\"}",
                bearer(childToken));
    assertEquals(201, g.statusCode(), g.body());
    String grandchild = JSON.readTree(g.body()).get("token").asText();
    JsonNode sibling = create(basic(user, PASSWORD));

    assertEquals(
        204,
        anonymous()
            .json(
                "DELETE", "/api/v1/tokens/" + parent.get("id").asLong(), null, bearer(parentToken))
            .statusCode());
    assertEquals(401, anonymous().json("GET", "/api/v1/me", null, bearer(childToken)).statusCode());
    assertEquals(
        401, anonymous().json("GET", "/api/v1/servers", null, bearer(grandchild)).statusCode());
    assertEquals(
        200,
        anonymous()
            .json("GET", "/api/v1/me", null, bearer(sibling.get("token").asText()))
            .statusCode(),
        "tokens made by password are not the revoked token's");
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
