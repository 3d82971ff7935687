package org.berth.portal.auth.oidc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.berth.launch.UserName;
import org.berth.portal.account.AccountService;
import org.berth.portal.support.Accounts;
import org.berth.portal.support.Browserless;
import org.berth.portal.support.Keycloak;
import org.berth.portal.support.KeycloakProxy;
import org.berth.portal.support.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What Berth refuses, each with its own message: Keycloak down (Berth starts anyway, says so, and
 * lets its local administrator in), and answers changed on the way: a tampered token, one for
 * another application, one from another issuer, an expired one, and one sent again. The real
 * Keycloak sits behind a proxy that the test switches off or has rewrite the token endpoint's
 * answers; Berth's client has 10-second tokens and no clock allowance.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OidcBadAnswersIT implements TestPropertyProvider {

  static final Keycloak KEYCLOAK = Keycloak.local();
  static final String CLIENT = "berth-strict";
  static final String SECRET = "berth-strict-secret";
  static final String OTHER = "berth-other";
  static final String ADMIN = "local-admin";

  KeycloakProxy proxy;
  final JsonMapper json = JsonMapper.createDefault();

  @Inject EmbeddedServer server;
  @Inject AccountService accounts;

  private Browserless browser;

  @Override
  public Map<String, String> getProperties() {
    KEYCLOAK.createClient(
        Map.of(
            "clientId",
            CLIENT,
            "publicClient",
            false,
            "secret",
            SECRET,
            "standardFlowEnabled",
            true,
            "directAccessGrantsEnabled",
            false,
            "redirectUris",
            List.of("http://127.0.0.1*", "http://localhost*"),
            "attributes",
            Map.of(
                "pkce.code.challenge.method", "S256",
                "post.logout.redirect.uris", "+",
                "access.token.lifespan", "10")));
    KEYCLOAK.createClient(
        Map.of(
            "clientId", OTHER,
            "publicClient", true,
            "standardFlowEnabled", false,
            "directAccessGrantsEnabled", true));
    proxy = new KeycloakProxy(KEYCLOAK.url());
    proxy.up(false); // Berth starts while Keycloak is down
    Map<String, String> p = TestDatabases.postgres();
    p.put("berth.oidc.enabled", "true");
    p.put("berth.oidc.issuer", proxy.url() + "/realms/berth");
    p.put("berth.oidc.client-id", CLIENT);
    p.put("berth.oidc.client-secret", SECRET);
    p.put("berth.oidc.clock-skew", "0s");
    p.put("berth.oidc.probe-timeout", "1s");
    p.put("berth.oidc.local-sign-in", "admins");
    p.put("berth.admin.user", ADMIN);
    p.put("berth.admin.password", Accounts.PASSWORD);
    return p;
  }

  @AfterAll
  void closeProxy() {
    proxy.close();
  }

  @BeforeEach
  void newBrowser() {
    browser = new Browserless(server.getURI());
    proxy.up(true);
    proxy.tokenAnswers(a -> a);
  }

  @Test
  @Order(1)
  void whileKeycloakIsDownBerthSaysSoAndItsLocalAdministratorStillSignsIn() {
    proxy.up(false);

    HttpResponse<String> down = browser.get("/oauth/login/keycloak");
    assertEquals(503, down.statusCode());
    assertTrue(down.body().contains("Keycloak does not answer"), down.body());
    assertTrue(down.body().contains("id=\"login-form\""), "the password form is still offered");

    HttpResponse<String> admin =
        browser.submit(
            "/login", "/login", Map.of("username", ADMIN, "password", Accounts.PASSWORD));
    assertEquals(303, admin.statusCode(), admin.body());

    proxy.up(true);
    String name = Accounts.uniqueName("kc");
    KEYCLOAK.createUser(name);
    HttpResponse<String> back = KEYCLOAK.signIn(browser.another(), name);
    assertEquals(
        303, back.statusCode(), "once Keycloak answers again, sign-in works:\n" + back.body());
  }

  @Test
  void onlyAdministratorsSignInWithAPasswordWhenSoConfigured() {
    String name = Accounts.uniqueName("local");
    accounts.create(new UserName(name), Accounts.PASSWORD, false);

    HttpResponse<String> refused =
        browser.submit("/login", "/login", Map.of("username", name, "password", Accounts.PASSWORD));

    assertEquals(403, refused.statusCode());
    assertTrue(refused.body().contains("only administrators sign in with a Berth password"));
    assertFalse(browser.cookie("berth_session").isPresent());
    assertEquals(404, browser.get("/signup").statusCode(), "no sign-up either");
  }

  @Test
  void aTamperedTokenIsRefused() {
    String name = Accounts.uniqueName("kc");
    KEYCLOAK.createUser(name);
    proxy.tokenAnswers(a -> withIdToken(a, tamper(idToken(a))));

    HttpResponse<String> refused = KEYCLOAK.signIn(browser, name);

    assertEquals(401, refused.statusCode());
    assertTrue(refused.body().contains("failed its signature check"), refused.body());
    assertFalse(browser.cookie("berth_session").isPresent());
  }

  @Test
  void aTokenForAnotherApplicationIsRefused() {
    String name = Accounts.uniqueName("kc");
    KEYCLOAK.createUser(name);
    String other =
        (String) KEYCLOAK.passwordGrant(proxy.url() + "/realms/berth", OTHER, name).get("id_token");
    proxy.tokenAnswers(a -> withIdToken(a, other));

    HttpResponse<String> refused = KEYCLOAK.signIn(browser, name);

    assertEquals(401, refused.statusCode());
    assertTrue(
        refused.body().contains("was issued for another application (" + OTHER + ")"),
        refused.body());
  }

  @Test
  void aTokenFromAnotherIssuerIsRefused() {
    String name = Accounts.uniqueName("kc");
    KEYCLOAK.createUser(name);
    // Signed with the realm's own key, but issued at Keycloak's other address.
    String elsewhere = (String) KEYCLOAK.passwordGrant(OTHER, name).get("id_token");
    proxy.tokenAnswers(a -> withIdToken(a, elsewhere));

    HttpResponse<String> refused = KEYCLOAK.signIn(browser, name);

    assertEquals(401, refused.statusCode());
    assertTrue(refused.body().contains("was issued by " + KEYCLOAK.issuer()), refused.body());
    assertTrue(refused.body().contains("not by " + proxy.url() + "/realms/berth"), refused.body());
  }

  @Test
  void anAnswerSentAgainIsRefusedByItsNonceAndOnceOldByItsExpiry() throws Exception {
    String name = Accounts.uniqueName("kc");
    KEYCLOAK.createUser(name);
    AtomicReference<String> first = new AtomicReference<>();
    proxy.tokenAnswers(
        a -> {
          first.compareAndSet(null, a);
          return a;
        });
    assertEquals(303, KEYCLOAK.signIn(browser, name).statusCode());

    proxy.tokenAnswers(a -> first.get());
    HttpResponse<String> replayed = KEYCLOAK.signIn(browser.another(), name);
    assertEquals(400, replayed.statusCode());
    assertTrue(replayed.body().contains("its nonce does not match"), replayed.body());

    Thread.sleep(11_000); // past the 10 s the token lives
    HttpResponse<String> expired = KEYCLOAK.signIn(browser.another(), name);
    assertEquals(401, expired.statusCode());
    assertTrue(expired.body().contains("expired at"), expired.body());
  }

  private String idToken(String answer) {
    return (String) read(answer).get("id_token");
  }

  private String withIdToken(String answer, String idToken) {
    Map<String, Object> m = read(answer);
    m.put("id_token", idToken);
    try {
      return json.writeValueAsString(m);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The same token with another name in it and the old signature. */
  private static String tamper(String token) {
    String[] parts = token.split("\\.");
    String payload =
        new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
            .replaceFirst("\"preferred_username\":\"", "\"preferred_username\":\"x");
    return parts[0]
        + "."
        + Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(payload.getBytes(StandardCharsets.UTF_8))
        + "."
        + parts[2];
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> read(String answer) {
    try {
      return new java.util.LinkedHashMap<>(json.readValue(answer, Map.class));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
