package org.berth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Berth configured for a Keycloak that does not answer: it starts, its sign-in page says what is
 * wrong when someone tries Keycloak, and its local administrator still signs in.
 */
class KeycloakDownJourneyIT {

  static final String ADMIN = "root-admin";
  static final String PASSWORD = "correct-horse-9";

  @RegisterExtension
  static final BerthProcess PORTAL =
      new BerthProcess()
          .withEnv("BERTH_OIDC_ENABLED", "true")
          .withEnv("BERTH_OIDC_ISSUER", "http://127.0.0.1:" + deadPort() + "/realms/berth")
          .withEnv("BERTH_OIDC_CLIENT_SECRET", "unused")
          .withEnv("BERTH_OIDC_LOCAL_SIGN_IN", "admins")
          .withEnv("BERTH_ADMIN_USER", ADMIN)
          .withEnv("BERTH_ADMIN_PASSWORD", PASSWORD);

  @RegisterExtension static final BrowserFixture BROWSER = new BrowserFixture();

  /** A loopback port nothing listens on. */
  private static int deadPort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aClearPageAndTheLocalAdministratorStillSignsIn(Page page) {
    page.navigate(PORTAL.url("/login"));
    Response down = page.waitForNavigation(() -> page.click("#provider-login"));
    assertEquals(503, down.status());
    assertTrue(
        page.textContent("[role=alert]").contains("Keycloak does not answer"),
        page.textContent("main"));

    Response in = Accounts.signIn(page, PORTAL, ADMIN, PASSWORD);
    assertEquals(200, in.status());
    assertEquals(ADMIN, page.textContent("#current-user"));
  }

  @ParameterizedTest
  @ValueSource(ints = {PageAudit.DESKTOP, PageAudit.PHONE})
  void thePageAtEveryWidth(int width) {
    try (BrowserContext context = PageAudit.context(BROWSER.browser(), width)) {
      Page page = context.newPage();
      page.navigate(PORTAL.url("/login"));
      page.waitForNavigation(() -> page.click("#provider-login"));
      PageAudit.check(page, "keycloak-down", width);
    }
  }
}
