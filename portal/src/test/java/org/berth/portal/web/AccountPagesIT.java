package org.berth.portal.web;

import static org.berth.portal.support.Accounts.PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.net.http.HttpResponse;
import java.util.Map;
import org.berth.portal.account.UserRepository;
import org.berth.portal.support.Accounts;
import org.berth.portal.support.Browserless;
import org.berth.portal.support.TestDatabases;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Sign-up, sign-in and sign-out pages against the real PostgreSQL. */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccountPagesIT implements TestPropertyProvider {

  @Inject EmbeddedServer server;
  @Inject UserRepository users;

  private Browserless browser;

  @Override
  public Map<String, String> getProperties() {
    return TestDatabases.postgres();
  }

  @BeforeEach
  void newBrowser() {
    browser = new Browserless(server.getURI());
  }

  @Test
  void signUpSignsTheNewUserInAndShowsTheLaunchForm() {
    String name = Accounts.uniqueName("ada");
    HttpResponse<String> signup =
        browser.submit("/signup", "/signup", Map.of("username", name, "password", PASSWORD));
    assertEquals(303, signup.statusCode());
    assertEquals("/", signup.headers().firstValue("Location").orElseThrow());
    assertTrue(browser.cookie("berth_session").isPresent(), "signed in at once");

    HttpResponse<String> home = browser.get("/");
    assertEquals(200, home.statusCode());
    assertTrue(home.body().contains("id=\"launch-form\""));
    assertTrue(home.body().contains("<span id=\"current-user\">" + name + "</span>"));
    for (String field :
        new String[] {"repo", "ref", "name", "path", "memory", "cpus", "idleTimeout", "image"}) {
      assertTrue(home.body().contains("name=\"" + field + "\""), "launch form lacks " + field);
    }
    for (String notYet : new String[] {"mounts", "collaborators", "public", "credentials"}) {
      assertFalse(
          home.body().contains("name=\"" + notYet + "\""),
          "a field of a feature not built yet is shown: " + notYet);
    }
    assertTrue(
        home.body().indexOf("name=\"repo\"") < home.body().indexOf("name=\"image\""),
        "repository first, the image under Advanced");
  }

  @Test
  void aDeepLinkSurvivesSignInAndSignUp() {
    HttpResponse<String> asked = browser.get("/account?saved=1");
    assertEquals(303, asked.statusCode());
    String login = asked.headers().firstValue("Location").orElseThrow();
    assertEquals("/login?next=%2Faccount%3Fsaved%3D1", login);

    String name = Accounts.uniqueName("deep");
    Accounts.signUp(browser, name);
    HttpResponse<String> in =
        browser.submit(
            login,
            "/login",
            Map.of("username", name, "password", PASSWORD, "next", "/account?saved=1"));
    assertEquals("/account?saved=1", in.headers().firstValue("Location").orElseThrow());
    assertTrue(
        browser
            .get(login)
            .headers()
            .firstValue("Location")
            .orElseThrow()
            .equals("/account?saved=1"),
        "signed in, the sign-in link goes on to the page");

    Browserless fresh = browser.another();
    HttpResponse<String> up =
        fresh.submit(
            "/signup?next=%2Fservers",
            "/signup",
            Map.of(
                "username",
                Accounts.uniqueName("deeper"),
                "password",
                PASSWORD,
                "next",
                "/servers"));
    assertEquals("/servers", up.headers().firstValue("Location").orElseThrow());
  }

  @Test
  void signInNeverSendsTheBrowserOutOfBerth() {
    String name = Accounts.uniqueName("stay");
    Accounts.signUp(browser, name);
    for (String next :
        new String[] {
          "//evil.example/x",
          "https://evil.example/",
          "/\\evil.example",
          "javascript:alert(1)",
          "/login",
          "/ok\r\nSet-Cookie: x=y",
          ""
        }) {
      Browserless b = browser.another();
      HttpResponse<String> r =
          b.submit(
              "/login", "/login", Map.of("username", name, "password", PASSWORD, "next", next));
      assertEquals(303, r.statusCode(), next);
      assertEquals("/", r.headers().firstValue("Location").orElseThrow(), next);
    }
  }

  @Test
  void takenUserNameIsRefusedWithConflictAndKeepsTheFirstAccount() {
    String name = Accounts.uniqueName("taken");
    Accounts.signUp(browser, name);
    String firstHash = users.findByUsername(name).orElseThrow().passwordHash();

    HttpResponse<String> again =
        new Browserless(server.getURI())
            .submit("/signup", "/signup", Map.of("username", name, "password", "another-pass-1"));
    assertEquals(409, again.statusCode());
    assertTrue(again.body().contains("is taken"));
    assertEquals(firstHash, users.findByUsername(name).orElseThrow().passwordHash());
  }

  @Test
  void malformedUserNamesAreRefusedAndCreateNothing() {
    for (String bad :
        new String[] {"Bad-Name", "../x", "a$b", "x_y", "-lead", "9nine", "visitor"}) {
      HttpResponse<String> r =
          browser.submit("/signup", "/signup", Map.of("username", bad, "password", PASSWORD));
      assertEquals(400, r.statusCode(), bad);
      assertTrue(r.body().contains("class=\"error\""), bad);
      assertFalse(users.existsByUsername(bad), bad);
      assertFalse(users.existsByUsername(bad.toLowerCase()), bad);
    }
  }

  @Test
  void shortPasswordIsRefusedAndCreatesNothing() {
    String name = Accounts.uniqueName("short");
    HttpResponse<String> r =
        browser.submit("/signup", "/signup", Map.of("username", name, "password", "1234567"));
    assertEquals(400, r.statusCode());
    assertTrue(r.body().contains("at least 8 characters"));
    assertFalse(users.existsByUsername(name));
  }

  @Test
  void wrongPasswordIsRefusedAndStartsNoSession() {
    String name = Accounts.uniqueName("wrong");
    Accounts.signUp(browser, name);
    HttpResponse<String> r =
        browser.submit("/login", "/login", Map.of("username", name, "password", "not-my-pass"));
    assertEquals(401, r.statusCode());
    assertTrue(r.body().contains("Wrong user name or password."));
    assertTrue(browser.cookie("berth_session").isEmpty());
    assertEquals(303, browser.get("/servers").statusCode());
  }

  @Test
  void unknownUserGetsTheSameAnswerAsAWrongPassword() {
    HttpResponse<String> r =
        browser.submit(
            "/login",
            "/login",
            Map.of("username", Accounts.uniqueName("ghost"), "password", PASSWORD));
    assertEquals(401, r.statusCode());
    assertTrue(r.body().contains("Wrong user name or password."));
  }

  @Test
  void formsWithoutTheRightCsrfTokenAreRefusedAndChangeNothing() {
    String name = Accounts.uniqueName("csrf");
    browser.get("/signup");
    HttpResponse<String> missing =
        browser.postForm("/signup", Map.of("username", name, "password", PASSWORD));
    assertEquals(403, missing.statusCode());
    assertTrue(missing.body().contains("Reload the page"));
    HttpResponse<String> wrong =
        browser.postForm(
            "/signup", Map.of("username", name, "password", PASSWORD, "_csrf", "x".repeat(43)));
    assertEquals(403, wrong.statusCode());
    assertFalse(users.existsByUsername(name));

    Accounts.signUp(browser, name);
    HttpResponse<String> login =
        browser.postForm("/login", Map.of("username", name, "password", PASSWORD));
    assertEquals(403, login.statusCode());
    assertTrue(browser.cookie("berth_session").isEmpty());

    Accounts.signIn(browser, name);
    HttpResponse<String> token = browser.postForm("/account/tokens", Map.of("name", "laptop"));
    assertEquals(403, token.statusCode());
    assertFalse(browser.get("/account").body().contains("class=\"token-row\""));

    HttpResponse<String> logout = browser.postForm("/logout", Map.of("_csrf", "forged"));
    assertEquals(403, logout.statusCode());
    assertEquals(200, browser.get("/").statusCode(), "a forged sign-out must not end the session");
  }

  @Test
  void signOutEndsTheSessionEvenForACopiedCookie() {
    Accounts.signedIn(browser, "leave");
    String stolen = browser.cookie("berth_session").orElseThrow();

    HttpResponse<String> out = browser.submit("/", "/logout", Map.of());
    assertEquals(303, out.statusCode());
    assertEquals("/login?signedout=1", out.headers().firstValue("Location").orElseThrow());
    assertEquals(303, browser.get("/servers").statusCode());

    Browserless replay = new Browserless(server.getURI());
    HttpResponse<String> withOldCookie =
        replay.json("GET", "/api/v1/me", null, Map.of("Cookie", "berth_session=" + stolen));
    assertEquals(401, withOldCookie.statusCode());
  }

  @Test
  void signedOutVisitorsAreSentToSignInAndBackAfterwards() {
    // Signed out, "/" is the front page (what Berth is, public links), not the launch form.
    HttpResponse<String> front = browser.get("/");
    assertEquals(200, front.statusCode());
    assertTrue(front.body().contains("id=\"go-form\""), front.body());
    assertFalse(front.body().contains("id=\"launch-form\""), front.body());
    for (String page : new String[] {"/account", "/servers"}) {
      HttpResponse<String> r = browser.get(page);
      assertEquals(303, r.statusCode(), page);
      assertEquals(
          "/login?next=%2F" + page.substring(1),
          r.headers().firstValue("Location").orElseThrow(),
          page);
    }
  }

  @Test
  void sessionCookieIsHttpOnlyAndHostOnly() {
    String name = Accounts.uniqueName("cookie");
    Accounts.signUp(browser, name);
    HttpResponse<String> login =
        browser.submit("/login", "/login", Map.of("username", name, "password", PASSWORD));
    String setCookie =
        login.headers().allValues("Set-Cookie").stream()
            .filter(c -> c.startsWith("berth_session="))
            .findFirst()
            .orElseThrow();
    assertTrue(setCookie.contains("HTTPOnly") || setCookie.contains("HttpOnly"), setCookie);
    assertTrue(setCookie.contains("SameSite=Lax"), setCookie);
    assertFalse(setCookie.toLowerCase().contains("domain="), setCookie);
  }
}
