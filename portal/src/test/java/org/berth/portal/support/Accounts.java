package org.berth.portal.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** Test helpers that go through the real pages, as a person would. */
public final class Accounts {

  public static final String PASSWORD = "correct-horse-9";

  private Accounts() {}

  /** A user name no other test run has used, so tests can share one database. */
  public static String uniqueName(String prefix) {
    return prefix + "-" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
  }

  /**
   * Creates the account in a browser of its own (sign-up signs that one in), so that {@code
   * browser} stays as it was.
   */
  public static void signUp(Browserless browser, String name) {
    HttpResponse<String> r =
        browser
            .another()
            .submit("/signup", "/signup", Map.of("username", name, "password", PASSWORD));
    assertEquals(303, r.statusCode(), r.body());
  }

  public static void signIn(Browserless browser, String name) {
    HttpResponse<String> r =
        browser.submit("/login", "/login", Map.of("username", name, "password", PASSWORD));
    assertEquals(303, r.statusCode(), r.body());
  }

  /** Signs up and signs in a fresh user; returns the user name. */
  public static String signedIn(Browserless browser, String prefix) {
    String name = uniqueName(prefix);
    signUp(browser, name);
    signIn(browser, name);
    return name;
  }
}
