package org.berth.portal.auth.oidc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.berth.launch.UserName;
import org.berth.portal.account.AccountService;
import org.berth.portal.account.UserRepository;
import org.berth.portal.support.Accounts;
import org.berth.portal.support.Browserless;
import org.berth.portal.support.Keycloak;
import org.berth.portal.support.TestDatabases;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Sign-in through the real Keycloak (its own login page, the code flow with PKCE), against the real
 * PostgreSQL: names, groups and the admin role from the tokens, identities never merged, sign-out
 * of both, and the answers Berth refuses.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OidcSignInIT implements TestPropertyProvider {

  static final Keycloak KEYCLOAK = Keycloak.local();

  @Inject EmbeddedServer server;
  @Inject UserRepository users;
  @Inject AccountService accounts;

  private Browserless browser;

  @Override
  public Map<String, String> getProperties() {
    Map<String, String> p = TestDatabases.postgres();
    p.putAll(KEYCLOAK.berthProperties());
    return p;
  }

  @BeforeEach
  void newBrowser() {
    browser = new Browserless(server.getURI());
  }

  private String me() {
    HttpResponse<String> r = browser.get("/api/v1/me", Map.of("Accept", "application/json"));
    assertEquals(200, r.statusCode(), r.body());
    return r.body();
  }

  @Test
  void signsInThroughKeycloaksLoginPageWithTheNameAndGroupsItGives() {
    String name = Accounts.uniqueName("kc");
    KEYCLOAK.createUser(name, "/students", "/courses/physics-101");

    HttpResponse<String> back = KEYCLOAK.signIn(browser, name);

    assertEquals(303, back.statusCode(), back.body());
    assertEquals("/", back.headers().firstValue("Location").orElseThrow());
    assertTrue(browser.cookie("berth_session").isPresent());
    assertTrue(me().contains("\"username\":\"" + name + "\""), me());
    assertTrue(me().contains("\"admin\":false"), me());
    HttpResponse<String> account = browser.get("/account");
    assertTrue(
        account.body().contains("courses/physics-101, students"),
        "the account page lists the groups from Keycloak:\n" + account.body());
    assertEquals("oidc", users.findByUsername(name).orElseThrow().authSource());
    assertTrue(users.findByUsername(name).orElseThrow().passwordHash() == null);
  }

  @Test
  void aGroupAddedInKeycloakShowsAfterTheNextSignIn() {
    String name = Accounts.uniqueName("kc");
    KEYCLOAK.createUser(name, "/researchers");
    KEYCLOAK.signIn(browser, name);
    assertTrue(browser.get("/account").body().contains(">researchers</span>"));

    KEYCLOAK.addToGroup(name, "/labs/genomics");
    Browserless next = browser.another();
    KEYCLOAK.signIn(next, name);

    assertTrue(
        next.get("/account").body().contains(">labs/genomics, researchers</span>"),
        next.get("/account").body());
  }

  @Test
  void theAdminRoleGrantsTheAdminApiAndWithoutItItIsRefused() {
    String name = Accounts.uniqueName("kc");
    KEYCLOAK.createUser(name);
    KEYCLOAK.signIn(browser, name);
    String path = "/api/v1/admin/users/" + name + "/groups";
    assertEquals(403, browser.get(path, Map.of("Accept", "application/json")).statusCode());

    KEYCLOAK.grantRealmRole(name, "berth-admin");
    Browserless admin = browser.another();
    KEYCLOAK.signIn(admin, name);
    HttpResponse<String> allowed = admin.get(path, Map.of("Accept", "application/json"));
    assertEquals(200, allowed.statusCode(), allowed.body());

    KEYCLOAK.revokeRealmRole(name, "berth-admin");
    Browserless demoted = browser.another();
    KEYCLOAK.signIn(demoted, name);
    assertEquals(403, demoted.get(path, Map.of("Accept", "application/json")).statusCode());
  }

  @Test
  void aClaimThatNamesALocalAccountIsRefusedNotMerged() {
    String name = Accounts.uniqueName("kc");
    accounts.create(new UserName(name), Accounts.PASSWORD, true);
    KEYCLOAK.createUser(name);

    HttpResponse<String> refused = KEYCLOAK.signIn(browser, name);

    assertEquals(403, refused.statusCode());
    assertTrue(
        refused.body().contains("already belongs to a Berth account that signs in with a password"),
        refused.body());
    assertFalse(browser.cookie("berth_session").isPresent(), "nothing was signed in");
    assertEquals("local", users.findByUsername(name).orElseThrow().authSource());
  }

  @Test
  void aNameThatChangesAtKeycloakIsRefusedAndANewIdentityCannotTakeAnOldName() {
    String first = Accounts.uniqueName("kc");
    String second = Accounts.uniqueName("kc");
    KEYCLOAK.createUser(first);
    KEYCLOAK.signIn(browser, first);

    KEYCLOAK.renameUser(first, second);
    Browserless later = browser.another();
    HttpResponse<String> renamed = KEYCLOAK.signIn(later, second);
    assertEquals(403, renamed.statusCode());
    assertTrue(renamed.body().contains("now calls you " + second), renamed.body());
    assertTrue(renamed.body().contains("before as " + first), renamed.body());
    assertFalse(users.findByUsername(second).isPresent(), "no account was made for the new name");

    // Someone else now gets the first name at Keycloak: another identity, so refused.
    KEYCLOAK.createUser(first);
    Browserless impostor = browser.another();
    HttpResponse<String> taken = KEYCLOAK.signIn(impostor, first);
    assertEquals(403, taken.statusCode());
    assertTrue(taken.body().contains("already belongs to another identity"), taken.body());
  }

  @Test
  void aNameBerthCannotUseIsRefusedWithTheRule() {
    String name = Accounts.uniqueName("kc") + ".dot";
    KEYCLOAK.createUser(name);

    HttpResponse<String> refused = KEYCLOAK.signIn(browser, name);

    assertEquals(403, refused.statusCode());
    assertTrue(refused.body().contains("cannot be a Berth user name"), refused.body());
  }

  @Test
  void signingOutOfBerthEndsTheKeycloakSessionToo() {
    String name = Accounts.uniqueName("kc");
    KEYCLOAK.createUser(name);
    KEYCLOAK.signIn(browser, name);
    assertEquals(1, KEYCLOAK.sessionsOf(name));

    HttpResponse<String> out =
        browser.postForm(
            "/logout", Map.of("_csrf", Browserless.csrfIn(browser.get("/account").body())));
    assertEquals(303, out.statusCode());
    String location = out.headers().firstValue("Location").orElseThrow();
    assertTrue(
        location.startsWith(KEYCLOAK.issuer() + "/protocol/openid-connect/logout?"), location);
    assertTrue(location.contains("id_token_hint="), location);
    HttpResponse<String> atKeycloak = browser.get(location);
    assertEquals(302, atKeycloak.statusCode(), atKeycloak.body());
    String home = atKeycloak.headers().firstValue("Location").orElseThrow();
    assertEquals(
        server.getURI() + "/login?signedout=1", URLDecoder.decode(home, StandardCharsets.UTF_8));

    assertEquals(0, KEYCLOAK.sessionsOf(name), "Keycloak's session ended");
    assertEquals(401, browser.get("/api/v1/me", Map.of("Accept", "application/json")).statusCode());
    HttpResponse<String> again = KEYCLOAK.toKeycloak(browser);
    assertEquals(200, again.statusCode(), "Keycloak asks for the password again");
    assertTrue(again.body().contains("kc-form-login"));
  }

  @Test
  void aKeycloakTokenNeverAuthenticatesAnApiCallByItself() {
    String name = Accounts.uniqueName("kc");
    KEYCLOAK.createUser(name);
    KEYCLOAK.createClient(
        Map.of(
            "clientId", "berth-scripts",
            "publicClient", true,
            "directAccessGrantsEnabled", true,
            "standardFlowEnabled", false));
    String token = (String) KEYCLOAK.passwordGrant("berth-scripts", name).get("access_token");

    HttpResponse<String> r =
        browser.get(
            "/api/v1/me", Map.of("Accept", "application/json", "Authorization", "Bearer " + token));

    assertEquals(401, r.statusCode());
  }

  @Test
  void aCallbackSentAgainIsRefusedAsAReplay() {
    String name = Accounts.uniqueName("kc");
    KEYCLOAK.createUser(name);
    KEYCLOAK.signIn(browser, name);
    String callback = KEYCLOAK.lastCallback();

    HttpResponse<String> again = browser.get(callback);

    assertEquals(400, again.statusCode());
    assertTrue(again.body().contains("used already"), again.body());
    HttpResponse<String> elsewhere = browser.another().get(callback);
    assertEquals(400, elsewhere.statusCode());
    assertTrue(
        elsewhere.body().contains("does not belong to a sign-in started in this browser"),
        elsewhere.body());
  }

  @Test
  void theSignInPageOffersKeycloakNextToThePasswordForm() {
    HttpResponse<String> page = browser.get("/login");
    assertTrue(page.body().contains("id=\"provider-login\""), page.body());
    assertTrue(page.body().contains("Sign in with <span>Keycloak</span>"), page.body());
    assertTrue(page.body().contains("id=\"login-form\""));
    // Sign-out is a form whose answer continues at Keycloak: the pages' policy lets it go there.
    assertTrue(
        page.headers()
            .firstValue("Content-Security-Policy")
            .orElseThrow()
            .contains("form-action 'self' " + KEYCLOAK.url()),
        page.headers().toString());
  }
}
