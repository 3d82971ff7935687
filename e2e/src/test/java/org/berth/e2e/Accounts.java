package org.berth.e2e;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import java.util.concurrent.ThreadLocalRandom;

/** What a user does with the sign-up and sign-in forms, as journeys share it. */
final class Accounts {

  private Accounts() {}

  /** A user name valid under Berth's rule and unique enough for one test run. */
  static String uniqueUserName(String prefix) {
    return prefix + "-" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
  }

  /**
   * Fills in and sends the sign-up form; answers the page's final response. A new account is signed
   * in at once.
   */
  static Response signUp(Page page, BerthProcess portal, String username, String password) {
    page.navigate(portal.url("/signup"));
    page.fill("#signup-form [name=username]", username);
    page.fill("#signup-form [name=password]", password);
    return page.waitForNavigation(() -> page.click("#signup-submit"));
  }

  /** Signs out through the header's button. */
  static void signOut(Page page, BerthProcess portal) {
    page.navigate(portal.url("/account"));
    page.waitForNavigation(() -> page.click("#logout-submit"));
  }

  /** Fills in and sends the sign-in form; answers the page's final response. */
  static Response signIn(Page page, BerthProcess portal, String username, String password) {
    page.navigate(portal.url("/login"));
    page.fill("#login-form [name=username]", username);
    page.fill("#login-form [name=password]", password);
    return page.waitForNavigation(() -> page.click("#login-submit"));
  }
}
