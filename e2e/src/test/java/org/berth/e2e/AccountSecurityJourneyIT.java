package org.berth.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The account pages issue #12 added to or changed, in Chromium, with screenshots at 1280 and 375 px
 * in {@code target/screenshots/}: a sign-up that waits for approval, the admin approving it, a
 * token with a scope and a lifetime, and a sign-in slowed down after wrong passwords. Every page
 * runs under Berth's Content-Security-Policy without a violation.
 */
class AccountSecurityJourneyIT {

  private static final String PASSWORD = "sea-shanty-42";
  private static final String ADMIN = "harbour-master";

  @RegisterExtension
  static final BerthProcess PORTAL =
      new BerthProcess()
          .withEnv("BERTH_ACCOUNTS_SIGNUP_APPROVAL", "true")
          .withEnv("BERTH_ADMIN_USER", ADMIN)
          .withEnv("BERTH_ADMIN_PASSWORD", PASSWORD);

  @RegisterExtension static final BrowserFixture BROWSER = new BrowserFixture();

  @Test
  void aNewAccountWaitsForTheAdminThenMakesANarrowToken(Page page) throws Exception {
    StringBuilder violations = new StringBuilder();
    page.onConsoleMessage(
        m -> {
          if (m.text().contains("Content Security Policy")) {
            violations.append(m.text()).append('\n');
          }
        });
    String user = Accounts.uniqueUserName("newcomer");
    Accounts.signUp(page, PORTAL, user, PASSWORD);
    assertThat(page.getByText("administrator must approve")).isVisible();
    shots(page, "signup-pending");
    Response early = Accounts.signIn(page, PORTAL, user, PASSWORD);
    assertEquals(403, early.status());
    assertThat(page.getByText("waits for an administrator")).isVisible();

    // The admin approves it on the accounts page.
    Page admin = page.context().browser().newContext().newPage();
    Accounts.signIn(admin, PORTAL, ADMIN, PASSWORD);
    admin.navigate(PORTAL.url("/admin/accounts"));
    assertThat(admin.locator("tr.pending-row[data-name=" + user + "]")).isVisible();
    shots(admin, "admin-accounts");
    admin.waitForNavigation(
        () -> admin.locator("tr.pending-row[data-name=" + user + "] .approve-submit").click());
    assertThat(admin.locator("tr.pending-row[data-name=" + user + "]")).hasCount(0);
    admin.context().close();

    // Now the newcomer signs in, and makes a token for their servers only, for a week.
    Accounts.signIn(page, PORTAL, user, PASSWORD);
    assertEquals(PORTAL.url("/"), page.url());
    page.navigate(PORTAL.url("/account"));
    page.fill("#token-form [name=name]", "launcher");
    page.selectOption("#token-form [name=scope]", "servers");
    page.selectOption("#token-form [name=expiresIn]", "7d");
    page.waitForNavigation(() -> page.click("#token-submit"));
    assertThat(page.locator("#new-token")).isVisible();
    assertThat(page.locator(".token-row .token-scope")).hasText("servers");
    shots(page, "account-tokens");

    // Wrong passwords: after five, the sign-in page says how long to wait.
    page.context().clearCookies();
    Response last = null;
    for (int i = 0; i < 6; i++) {
      last = Accounts.signIn(page, PORTAL, user, "not-the-password-" + i);
    }
    assertEquals(429, last.status());
    assertThat(page.locator(".error")).containsText("Try again in");
    shots(page, "login-slowed");
    assertTrue(violations.isEmpty(), violations.toString());
  }

  /** The page at a desktop and a phone width, whole, in target/screenshots/. */
  private static void shots(Page page, String name) throws Exception {
    Path dir = Files.createDirectories(E2eSettings.targetDir().resolve("screenshots"));
    for (int width : new int[] {1280, 375}) {
      page.setViewportSize(width, 800);
      page.screenshot(
          new Page.ScreenshotOptions()
              .setFullPage(true)
              .setPath(dir.resolve("security-" + name + "-" + width + ".png")));
    }
    page.setViewportSize(1280, 800);
  }
}
