package org.berth.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.assertions.LocatorAssertions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.berth.builder.GitServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every page of Berth, at a laptop's width and a small phone's: nothing scrolls sideways, axe-core
 * finds no serious or critical violation, focus shows, and a screenshot of each is saved under
 * {@code target/screenshots/}. Every error a browser can meet is Berth's page with a way back,
 * including the proxy's own pages on a server's origin.
 */
class PagesJourneyIT {

  @RegisterExtension
  static final BerthProcess PORTAL =
      new BerthProcess()
          .withEnv("BERTH_SOURCES_ALLOW_HOSTS", "127.0.0.1")
          // One reconciliation at start, then none: a killed container stays routed, so the
          // proxy's "not answering" page is what a browser meets.
          .withEnv("BERTH_LAUNCH_RECONCILE_EVERY", "1h");

  @RegisterExtension static final BrowserFixture BROWSER = new BrowserFixture();

  private static final GitServer GIT = new GitServer();
  private static final String PASSWORD = "sea-shanty-42";
  private static String repo;

  @BeforeAll
  static void repository() throws Exception {
    Path files = Files.createTempDirectory("berth-pages-repo");
    Files.writeString(files.resolve("README.md"), "# Field notes\n");
    repo = GIT.create("pages-" + System.nanoTime(), files);
  }

  @AfterAll
  static void stopGit() {
    GIT.close();
  }

  @ParameterizedTest(name = "{0} px")
  @ValueSource(ints = {PageAudit.DESKTOP, PageAudit.PHONE})
  void everyPageReadsWellAndPassesAxe(int width, Browser browser) throws Exception {
    BrowserContext context = PageAudit.context(browser, width);
    try {
      Page page = context.newPage();
      String user = Accounts.uniqueUserName("pat");

      // Signed out.
      visit(page, "/login", "login", width);
      visit(page, "/signup", "signup", width);
      errorPage(page, "/no/such/page", 404, "Not found", "error-signed-out", width);

      // The launch form, and its refusals next to their fields.
      Accounts.signUp(page, PORTAL, user, PASSWORD);
      audit(page, "launch", width);
      assertTrue(PageAudit.focusShows(page, "launch") >= 2, "the form's buttons were focused");
      Launches.submit(page, PORTAL, Map.of("name", "Bad Name", "memory", "lots"));
      assertThat(page.locator("#form-error")).isVisible();
      assertThat(page.locator("#name-error")).containsText("lowercase letters");
      assertThat(page.locator("#memory-error")).containsText("512M or 2G");
      assertThat(page.locator("#f-name")).hasValue("Bad Name");
      audit(page, "launch-errors", width);
      Launches.submit(page, PORTAL, Map.of("name", "far", "repo", "http://127.0.0.2/lab.git"));
      assertThat(page.locator("#repo-error")).containsText("Berth cannot fetch from 127.0.0.2");
      assertThat(page.locator("#f-repo")).hasAttribute("aria-invalid", "true");

      // A server from a repository: built, launched, and on into the server.
      Launches.submit(
          page, PORTAL, Map.of("repo", repo, "ref", "main", "name", "notes", "idleTimeout", "2h"));
      Launches.awaitInServer(page, user, "notes");
      String notesOrigin = Launches.origin(page);

      visit(page, "/servers", "servers", width);
      assertTrue(PageAudit.focusShows(page, "servers") >= 3, "Open, Stop and Delete focused");
      var row = page.locator("tr.server-row[data-name=notes]");
      assertThat(row.locator(".server-source")).containsText(repo);
      assertThat(row.locator(".server-source")).containsText("at main, commit");
      assertThat(row.locator(".server-address")).containsText(notesOrigin + "/user/" + user);
      assertThat(row.locator(".server-created")).containsText("UTC");
      assertThat(row.locator(".server-idle")).hasText("Stops after 2h without use");

      visit(page, "/servers/notes", "server", width);
      page.waitForNavigation(() -> page.click("#build-link"));
      assertThat(page.locator("#build-status")).hasText("built");
      audit(page, "build", width);
      visit(page, "/servers/notes/delete", "delete", width);
      PageAudit.focusShows(page, "delete");

      Map<String, String> again = new LinkedHashMap<>();
      again.put("repo", repo);
      again.put("ref", "main");
      again.put("name", "notes");
      again.put("idleTimeout", "1h");
      Launches.submit(page, PORTAL, again);
      assertThat(page.locator("#changes li")).hasText(new String[] {"idle timeout: 2h → 1h"});
      audit(page, "confirm", width);

      // The launching page, waiting with Open (preference off), and failed.
      visit(page, "/account", "account", width);
      page.locator("#pref-open-when-ready").uncheck();
      page.waitForNavigation(() -> page.click("#preferences-submit"));
      Launches.submit(page, PORTAL, Map.of("name", "lab", "memory", "256M"));
      assertThat(page.locator("#launch-word"))
          .hasText("Ready", new LocatorAssertions.HasTextOptions().setTimeout(Launches.READY_MS));
      audit(page, "launching-ready", width);
      Launches.submit(
          page,
          PORTAL,
          Map.of("name", "ghost", "image", PORTAL.registry().address() + "/berth/no-such-image:1"));
      assertThat(page.locator("#launch-word"))
          .hasText("Failed", new LocatorAssertions.HasTextOptions().setTimeout(Launches.READY_MS));
      audit(page, "launching-failed", width);

      // Errors a signed-in browser meets.
      errorPage(page, "/no/such/page", 404, "Not found", "error-unknown-path", width);
      errorPage(page, "/servers/nosuch/open", 404, "Not found", "error-unknown-server", width);
      errorPage(page, "/servers/Bad_Name", 400, "Cannot do that", "error-bad-name", width);
      errorPage(page, "/builds/nosuch", 404, "Not found", "error-unknown-build", width);
      errorPage(page, "/api/v1/servers/nosuch", 404, "Not found", "error-api-path", width);

      // The proxy's pages on a server's origin: no access, not running, not answering.
      page.navigate(PORTAL.url("/servers/lab/open"));
      Launches.awaitInServer(page, user, "lab");
      String labOrigin = Launches.origin(page);
      BrowserContext stranger = PageAudit.context(browser, width);
      Page other = stranger.newPage();
      proxyPage(
          other,
          labOrigin + "/user/" + user + "/lab/tree",
          404,
          "No server here",
          "proxy-no-access",
          width);
      stranger.close();

      page.navigate(PORTAL.url("/servers/notes"));
      page.waitForNavigation(() -> page.click("#stop-submit"));
      proxyPage(
          page,
          notesOrigin + "/user/" + user + "/notes/tree",
          503,
          "Server not running",
          "proxy-not-running",
          width);

      Launches.killContainer(PORTAL, user, "lab");
      proxyPage(
          page,
          labOrigin + "/user/" + user + "/lab/tree",
          502,
          "Server not answering",
          "proxy-bad-gateway",
          width);
    } finally {
      context.close();
    }
  }

  private static void visit(Page page, String path, String name, int width) {
    Response r = page.navigate(PORTAL.url(path));
    assertEquals(200, r.status(), path);
    audit(page, name, width);
  }

  private static void audit(Page page, String name, int width) {
    page.waitForLoadState();
    PageAudit.check(page, name, width);
  }

  /** An error page of the portal: its status, heading, title, the header and a way back. */
  private static void errorPage(
      Page page, String path, int status, String heading, String name, int width) {
    Response r = page.navigate(PORTAL.url(path));
    assertEquals(status, r.status(), path);
    assertThat(page).hasTitle(heading + " · Berth");
    assertThat(page.locator("h1")).hasText(heading);
    assertThat(page.locator("header .brand")).isVisible();
    assertThat(page.locator("#error-status")).hasText(Integer.toString(status));
    assertThat(page.locator("#back-link")).hasAttribute("href", "/servers");
    assertFalse(page.content().contains("\"view\":\"error\""), "no raw JSON");
    audit(page, name, width);
  }

  /** A page the proxy answers on a server's origin: self-contained, with a link back to Berth. */
  private static void proxyPage(
      Page page, String url, int status, String heading, String name, int width) {
    Response r = page.navigate(url);
    assertEquals(status, r.status(), url);
    assertThat(page).hasTitle(heading + " · Berth");
    assertThat(page.locator("h1")).hasText(heading);
    assertThat(page.locator("#back-link")).hasAttribute("href", PORTAL.url("/servers"));
    audit(page, name, width);
  }
}
