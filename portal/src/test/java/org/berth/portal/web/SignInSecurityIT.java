package org.berth.portal.web;

import static org.berth.portal.support.Accounts.PASSWORD;
import static org.berth.portal.support.Browserless.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.berth.portal.support.Accounts;
import org.berth.portal.support.Browserless;
import org.berth.portal.support.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Guessing passwords is slowed down per account and per client address, on the sign-in page and on
 * the API's password sign-in; and sign-in returns only to pages on Berth. Each test comes from its
 * own client address, as a TLS front end would report it.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SignInSecurityIT implements TestPropertyProvider {

  private static final AtomicInteger ADDRESSES = new AtomicInteger(10);

  @Inject EmbeddedServer server;

  @Override
  public Map<String, String> getProperties() {
    Map<String, String> p = TestDatabases.postgres();
    p.put("berth.http.client-address-header", "X-Forwarded-For");
    p.put("berth.accounts.signin-free-failures", "5");
    p.put("berth.accounts.signin-free-failures-per-address", "8");
    return p;
  }

  @Test
  void signInBacksOffPerAccountAndSaysWhenToTryAgain() {
    Browserless browser = fromNewAddress();
    String name = Accounts.uniqueName("guessed");
    Accounts.signUp(browser, name);
    for (int i = 0; i < 5; i++) {
      assertEquals(401, login(browser, name, "wrong-guess-" + i).statusCode(), "guess " + i);
    }
    HttpResponse<String> slowed = login(browser, name, "wrong-guess-5");
    assertEquals(429, slowed.statusCode(), slowed.body());
    long wait = Long.parseLong(slowed.headers().firstValue("Retry-After").orElseThrow());
    assertTrue(wait >= 1 && wait <= 900, "Retry-After " + wait);
    assertTrue(slowed.body().contains("Try again in " + wait + " s"), slowed.body());
    // While it lasts, even the right password waits (the guesser cannot tell it was right), and
    // so does a guesser from another address.
    assertEquals(429, login(browser, name, PASSWORD).statusCode());
    assertEquals(429, login(fromNewAddress(), name, PASSWORD).statusCode());
  }

  @Test
  void thePasswordSignInOfTheApiBacksOffToo() {
    String name = Accounts.uniqueName("scripted");
    Accounts.signUp(fromNewAddress(), name);
    Browserless script = fromNewAddress();
    for (int i = 0; i < 5; i++) {
      assertEquals(401, mint(script, name, "wrong-guess-" + i).statusCode(), "guess " + i);
    }
    HttpResponse<String> slowed = mint(script, name, PASSWORD);
    assertEquals(429, slowed.statusCode(), slowed.body());
    String wait = slowed.headers().firstValue("Retry-After").orElseThrow();
    assertTrue(slowed.body().contains("Try again in " + wait + " s"), slowed.body());
    assertTrue(slowed.body().contains("\"status\":429"), slowed.body());
  }

  @Test
  void oneAddressGuessingAcrossManyAccountsIsSlowedDown() {
    Browserless guesser = fromNewAddress();
    String victim = Accounts.uniqueName("victim");
    Accounts.signUp(fromNewAddress(), victim);
    for (int i = 0; i < 8; i++) {
      assertEquals(401, login(guesser, Accounts.uniqueName("nobody"), "guess").statusCode());
    }
    assertEquals(429, login(guesser, victim, "another-guess").statusCode());
    // The account itself was never guessed at: its owner, elsewhere, signs in.
    assertEquals(303, login(fromNewAddress(), victim, PASSWORD).statusCode());
  }

  @Test
  void aSignInForgetsTheAccountsEarlierTypos() {
    Browserless browser = fromNewAddress();
    String name = Accounts.uniqueName("typo");
    Accounts.signUp(browser, name);
    for (int i = 0; i < 4; i++) {
      assertEquals(401, login(browser, name, "typo-" + i).statusCode());
    }
    assertEquals(303, login(browser, name, PASSWORD).statusCode());
    Browserless later = fromNewAddress();
    for (int i = 0; i < 4; i++) {
      assertEquals(401, login(later, name, "typo-again-" + i).statusCode());
    }
    assertEquals(303, login(later, name, PASSWORD).statusCode());
  }

  @Test
  void signInReturnsToThePageAskedForAndNeverLeavesBerth() {
    Browserless browser = fromNewAddress();
    HttpResponse<String> asked = browser.get("/servers");
    assertEquals(303, asked.statusCode());
    assertEquals("/login?next=%2Fservers", asked.headers().firstValue("Location").orElseThrow());
    assertTrue(browser.get("/login?next=%2Fservers").body().contains("value=\"/servers\""));
    String name = Accounts.uniqueName("back");
    Accounts.signUp(browser, name);
    HttpResponse<String> back =
        browser.submit(
            "/login?next=%2Fservers",
            "/login", Map.of("username", name, "password", PASSWORD, "next", "/servers"));
    assertEquals("/servers", back.headers().firstValue("Location").orElseThrow());

    for (String evil :
        new String[] {
          "/\t/evil.example", "//evil.example", "https://evil.example", "/\\evil", "/\n/evil"
        }) {
      Browserless other = fromNewAddress();
      HttpResponse<String> page =
          other.get("/login?next=" + URLEncoder.encode(evil, StandardCharsets.UTF_8));
      assertTrue(!page.body().contains("evil"), "the page offers no way off Berth: " + evil);
      HttpResponse<String> r =
          other.submit(
              "/login", "/login", Map.of("username", name, "password", PASSWORD, "next", evil));
      assertEquals(303, r.statusCode(), evil);
      assertEquals("/", r.headers().firstValue("Location").orElseThrow(), evil);
    }
  }

  private Browserless fromNewAddress() {
    return new Browserless(server.getURI())
        .header("X-Forwarded-For", "192.0.2." + ADDRESSES.incrementAndGet());
  }

  private static HttpResponse<String> login(Browserless browser, String name, String password) {
    return browser.submit("/login", "/login", Map.of("username", name, "password", password));
  }

  private static HttpResponse<String> mint(Browserless script, String name, String password) {
    return script.json("POST", "/api/v1/tokens", "{\"name\":\"t\"}", basic(name, password));
  }
}
