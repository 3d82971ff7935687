package org.berth.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Sharing in the browser, as people do it: Alice shares her server with Bob, who runs a cell in it
 * until she removes him (his next request is refused and his kernel's WebSocket closes); an invite
 * followed while signed out leads through sign-up to a page that says what is granted; a visitor
 * with no account opens a public link and gets a copy of their own. The pages are audited at 1280
 * and 375 px (no sideways scroll, no serious axe violation) with screenshots.
 */
class SharingJourneyIT {

  @RegisterExtension
  static final BerthProcess PORTAL = new BerthProcess().withEnv("BERTH_VISITS_MAX_PER_LINK", "1");

  @RegisterExtension static final BrowserFixture BROWSER = new BrowserFixture();

  static final String PASSWORD = "shared-tea-21";

  @Test
  void aCollaboratorRunsACellUntilTheOwnerRemovesHim(Browser browser) {
    BrowserContext aliceContext = browser.newContext();
    BrowserContext bobContext = browser.newContext();
    try {
      Page alice = aliceContext.newPage();
      Page bob = bobContext.newPage();
      String aliceName = Accounts.uniqueUserName("alice");
      String bobName = Accounts.uniqueUserName("bob");
      Accounts.signUp(alice, PORTAL, aliceName, PASSWORD);
      Accounts.signUp(bob, PORTAL, bobName, PASSWORD);
      Launches.submit(alice, PORTAL, Map.of("name", "lab", "memory", "256M"));
      Launches.awaitInServer(alice, aliceName, "lab");

      // Alice shares lab with Bob from its page.
      alice.navigate(PORTAL.url("/servers/lab"));
      alice.fill("#member", bobName);
      alice.waitForNavigation(() -> alice.click("#add-collaborator-submit"));
      assertThat(alice.locator("#notice")).hasText("Shared with " + bobName + ".");
      assertThat(alice.locator("li.collaborator[data-member='" + bobName + "']")).hasCount(1);

      // Bob finds it under Shared with me, opens it and runs a cell.
      bob.navigate(PORTAL.url("/servers"));
      bob.waitForNavigation(
          () ->
              bob.locator("tr.shared-row[data-ref='" + aliceName + "/lab'] .open-shared").click());
      Launches.awaitInServer(bob, aliceName, "lab");
      String base = "/user/" + aliceName + "/lab/";
      Object created =
          bob.evaluate(
              "async (base) => (await fetch(base + 'api/contents/shared.ipynb', {method: 'PUT',"
                  + " headers: {'Content-Type': 'application/json'}, body: JSON.stringify({type:"
                  + " 'notebook', content: {cells: [], metadata: {}, nbformat: 4, nbformat_minor:"
                  + " 5}})})).status",
              base);
      assertEquals(201, ((Number) created).intValue());
      bob.navigate(Launches.origin(bob) + base + "notebooks/shared.ipynb");
      assertThat(bob.locator("#kernel_indicator_icon.kernel_idle_icon"))
          .isVisible(new LocatorAssertions.IsVisibleOptions().setTimeout(Launches.READY_MS));
      bob.locator("div.input_area").first().click();
      bob.keyboard().type("print(6 * 7)");
      bob.keyboard().press("Shift+Enter");
      assertThat(bob.locator("div.output_area pre").first())
          .hasText("42", new LocatorAssertions.HasTextOptions().setTimeout(30_000));
      assertEquals(
          1, ((Number) bob.evaluate("() => Jupyter.notebook.kernel.ws.readyState")).intValue());

      // Alice removes him: his kernel's WebSocket closes and his next request is refused.
      alice.navigate(PORTAL.url("/servers/lab"));
      alice.waitForNavigation(() -> alice.click("li.collaborator .remove-collaborator"));
      assertThat(alice.locator("#no-collaborators")).isVisible();
      bob.waitForFunction(
          "() => !Jupyter.notebook.kernel.ws || Jupyter.notebook.kernel.ws.readyState !== 1",
          null,
          new Page.WaitForFunctionOptions().setTimeout(10_000));
      Object status =
          bob.evaluate("async (base) => (await fetch(base + 'api/contents')).status", base);
      assertEquals(404, ((Number) status).intValue());
    } finally {
      aliceContext.close();
      bobContext.close();
    }
  }

  @ParameterizedTest(name = "{0} px")
  @ValueSource(ints = {PageAudit.DESKTOP, PageAudit.PHONE})
  void invitesAndPublicLinksReadWell(int width, Browser browser) {
    BrowserContext ownerContext = PageAudit.context(browser, width);
    BrowserContext guestContext = PageAudit.context(browser, width);
    BrowserContext visitorContext = PageAudit.context(browser, width);
    BrowserContext lateContext = PageAudit.context(browser, width);
    try {
      Page owner = ownerContext.newPage();
      String ownerName = Accounts.uniqueUserName("tia");
      Accounts.signUp(owner, PORTAL, ownerName, PASSWORD);
      Launches.submit(owner, PORTAL, Map.of("name", "course", "memory", "256M"));
      Launches.awaitInServer(owner, ownerName, "course");

      // An invite link, shown once.
      owner.navigate(PORTAL.url("/servers/course"));
      owner.selectOption("#expiresIn", "7d");
      owner.waitForNavigation(() -> owner.click("#make-invite-submit"));
      String link = owner.locator("#invite-link").textContent().strip();
      PageAudit.check(owner, "invite-made", width);

      // Followed while signed out: sign up, then the page that says what is granted.
      Page guest = guestContext.newPage();
      guest.navigate(link);
      assertTrue(guest.url().contains("/login?next="), guest.url());
      guest.waitForNavigation(() -> guest.click("main >> text=Sign up"));
      String guestName = Accounts.uniqueUserName("gus");
      guest.fill("#signup-form [name=username]", guestName);
      guest.fill("#signup-form [name=password]", PASSWORD);
      guest.waitForNavigation(() -> guest.click("#signup-submit"));
      assertTrue(guest.url().endsWith(link.substring(link.indexOf("/invites/"))), guest.url());
      assertThat(guest.locator("#offer")).containsText(ownerName);
      assertThat(guest.locator("#what-you-get")).containsText("you act as " + ownerName);
      PageAudit.check(guest, "invite", width);
      guest.waitForNavigation(() -> guest.click("#accept-submit"));
      assertThat(guest.locator("#notice")).containsText("You joined " + ownerName + "/course");
      assertThat(guest.locator("tr.shared-row")).hasCount(1);
      PageAudit.check(guest, "servers-shared", width);

      // The owner sees the use, and turns public access on.
      owner.navigate(PORTAL.url("/servers/course"));
      assertThat(owner.locator(".invite-uses")).hasText(new String[] {"1 time"});
      owner.waitForNavigation(() -> owner.click("#public-submit"));
      String publicLink = owner.locator("#public-link code").textContent().strip();
      PageAudit.check(owner, "server-sharing", width);

      // A visitor with no account: what they get, then their own copy.
      Page visitor = visitorContext.newPage();
      visitor.navigate(publicLink);
      assertThat(visitor.locator("#visit-what")).containsText(ownerName);
      PageAudit.check(visitor, "visit", width);
      visitor.waitForNavigation(() -> visitor.click("#visit-submit"));
      assertTrue(visitor.url().contains("/visits/"), visitor.url());
      PageAudit.check(visitor, "visiting", width);
      visitor.waitForURL(
          url -> url.contains(".localhost:") && url.contains("/visit/"),
          new Page.WaitForURLOptions().setTimeout(Launches.READY_MS));
      assertThat(visitor.locator("#notebook_list"))
          .isVisible(new LocatorAssertions.IsVisibleOptions().setTimeout(Launches.READY_MS));
      assertTrue(!visitor.url().contains("/user/" + ownerName), "never the owner's server");

      // Past the cap (one visitor per link here): the busy page.
      Page late = lateContext.newPage();
      late.navigate(publicLink);
      late.waitForNavigation(() -> late.click("#visit-submit"));
      assertThat(late.locator("h1")).isVisible();
      assertThat(late.locator("main")).containsText("busy");
      PageAudit.check(late, "visit-busy", width);

      owner.navigate(PORTAL.url("/servers/course"));
      owner.waitForNavigation(() -> owner.click("#public-submit"));
      assertThat(owner.locator("#notice")).containsText("Public access is off");
    } finally {
      ownerContext.close();
      guestContext.close();
      visitorContext.close();
      lateContext.close();
    }
  }

  @Test
  void anExpiredOrRevokedInviteSaysSo(Browser browser) {
    BrowserContext ownerContext = browser.newContext();
    BrowserContext otherContext = browser.newContext();
    try {
      Page owner = ownerContext.newPage();
      String ownerName = Accounts.uniqueUserName("rev");
      Accounts.signUp(owner, PORTAL, ownerName, PASSWORD);
      Launches.submit(owner, PORTAL, Map.of("name", "talk", "memory", "256M"));
      Launches.awaitInServer(owner, ownerName, "talk");
      owner.navigate(PORTAL.url("/servers/talk"));
      owner.waitForNavigation(() -> owner.click("#make-invite-submit"));
      String link = owner.locator("#invite-link").textContent().strip();
      owner.navigate(PORTAL.url("/servers/talk"));
      owner.waitForNavigation(() -> owner.click("#revoke-all-submit"));
      assertThat(owner.locator(".invite-state")).hasText(new String[] {"revoked"});

      Page other = otherContext.newPage();
      Accounts.signUp(other, PORTAL, Accounts.uniqueUserName("ola"), PASSWORD);
      assertEquals(410, other.navigate(link).status());
      assertThat(other.locator("main")).containsText("revoked");
    } finally {
      ownerContext.close();
      otherContext.close();
    }
  }
}
