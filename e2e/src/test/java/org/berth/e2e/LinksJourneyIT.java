package org.berth.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.berth.builder.GitServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Launch links in Chromium: a Binder link followed while signed out leads through sign-up back to
 * its security confirmation; Edit and Cancel; Launch builds the repository and opens the server at
 * the link's path; the server and build pages offer the links and badge; a full-spec link shows
 * exactly its spec to someone else; the front page lists a public server; and the link generator.
 * Every page at a laptop's and a phone's width, audited (no sideways scroll, axe-core), with
 * screenshots in {@code target/screenshots/}. Then the attacks a browser can make: a link or a page
 * of another site that tries to launch, and HTML in what a link carries.
 */
class LinksJourneyIT {

  @RegisterExtension
  static final BerthProcess PORTAL =
      new BerthProcess().withEnv("BERTH_SOURCES_ALLOW_HOSTS", "127.0.0.1");

  @RegisterExtension static final BrowserFixture BROWSER = new BrowserFixture();

  private static final GitServer GIT = new GitServer();
  private static final String PASSWORD = "sea-shanty-42";
  private static final String NOTEBOOK =
      "{\"cells\": [{\"cell_type\": \"markdown\", \"metadata\": {}, \"source\": [\"# Opened from"
          + " a link\"]}], \"metadata\": {}, \"nbformat\": 4, \"nbformat_minor\": 5}\n";
  private static String repo;
  private static HttpServer attacker;

  @BeforeAll
  static void repositoryAndAttacker() throws Exception {
    Path files = Files.createTempDirectory("berth-links-journey");
    Files.createDirectories(files.resolve("notes"));
    Files.writeString(files.resolve("notes/a b.ipynb"), NOTEBOOK);
    Files.writeString(files.resolve("README.md"), "# Tide tables\n");
    repo = GIT.create("tide-tables", files);
    attacker = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    attacker.createContext(
        "/",
        exchange -> {
          String portal = PORTAL.baseUrl();
          String html =
              "<!DOCTYPE html><title>Free notebooks</title>"
                  + "<img src=\""
                  + portal
                  + link("main", "")
                  + "\">"
                  + "<form id=f method=post action=\""
                  + portal
                  + "/launch\"><input name=repo value=\""
                  + repo
                  + "\"><input name=name value=lured><input name=from value=link></form>"
                  + "<script>document.getElementById('f').submit()</script>";
          byte[] body = html.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    attacker.start();
  }

  @AfterAll
  static void stop() {
    GIT.close();
    attacker.stop(0);
  }

  private static String link(String ref, String query) {
    return "/v2/git/" + URLEncoder.encode(repo, StandardCharsets.UTF_8) + "/" + ref + query;
  }

  @ParameterizedTest(name = "{0} px")
  @ValueSource(ints = {PageAudit.DESKTOP, PageAudit.PHONE})
  void aLinkLeadsThroughSignInToItsConfirmationAndIntoTheServerAtItsPath(
      int width, Browser browser) {
    BrowserContext context = PageAudit.context(browser, width);
    BrowserContext other = PageAudit.context(browser, width);
    try {
      Page page = context.newPage();
      String user = Accounts.uniqueUserName("lin");

      // Signed out: the front page, and the generator.
      visit(page, "/", "front", width);
      assertThat(page.locator("#go-form")).isVisible();
      page.fill("#go-link", "https://mybinder.org" + link("main", "?filepath=notes%2Fa%20b.ipynb"));
      page.waitForNavigation(() -> page.click("#go-submit"));
      // The box leads to the link, which asks to sign in first and then comes back.
      assertTrue(page.url().startsWith(PORTAL.url("/login?next=")), page.url());
      page.click("main a:has-text('Sign up')");
      page.fill("#signup-form [name=username]", user);
      page.fill("#signup-form [name=password]", PASSWORD);
      page.waitForNavigation(() -> page.click("#signup-submit"));
      // (The box wrote the link as Berth writes it: a file to open is a urlpath.)
      assertEquals(PORTAL.url(link("main", "?urlpath=tree%2Fnotes%2Fa%20b.ipynb")), page.url());
      assertThat(page.locator("#confirm-repo")).hasText(repo);
      assertThat(page.locator("#confirm-ref")).hasText("main");
      assertThat(page.locator("#confirm-commit"))
          .hasText(java.util.regex.Pattern.compile("[0-9a-f]{40}"));
      assertThat(page.locator("#confirm-path")).hasText("tree/notes/a b.ipynb");
      assertThat(page.locator("#confirm-server")).hasText("tide-tables");
      audit(page, "link-confirm", width);
      page.locator("details.advanced summary").click();
      assertTrue(
          page.locator("#confirm-share-permanent")
              .inputValue()
              .contains(page.locator("#confirm-commit").textContent()));
      audit(page, "link-confirm-share", width);

      // Edit goes back to the form with the link's values; Cancel to my servers.
      page.waitForNavigation(() -> page.click("#edit-link"));
      assertThat(page.locator("#f-repo")).hasValue(repo);
      assertThat(page.locator("#f-name")).hasValue("tide-tables");
      assertThat(page.locator("#opens-at")).containsText("tree/notes/a b.ipynb");
      audit(page, "launch-from-link", width);
      page.goBack();
      page.waitForNavigation(() -> page.click("#cancel-link"));
      assertEquals(PORTAL.url("/servers"), page.url());
      assertThat(page.locator("tr.server-row")).hasCount(0);

      // Launch: built, started, and open at the link's path.
      page.navigate(PORTAL.url(link("main", "?filepath=notes%2Fa%20b.ipynb")));
      page.waitForNavigation(() -> page.click("#launch-submit"));
      page.waitForURL(
          url -> url.contains(".localhost:") && url.contains("/notebooks/notes/a%20b.ipynb"),
          new Page.WaitForURLOptions().setTimeout(300_000));
      assertTrue(page.url().contains("/user/" + user + "/tide-tables/"), page.url());

      // The server's page: its links and badge, and a full-spec link.
      visit(page, "/servers/tide-tables", "server-links", width);
      assertTrue(
          page.locator("#server-share-link").inputValue().endsWith(link("main", "")),
          page.locator("#server-share-link").inputValue());
      assertThat(page.locator("#server-share-markdown"))
          .hasValue(
              java.util.regex.Pattern.compile(
                  "^\\[!\\[Launch on Berth\\]\\(http.*/badge_logo\\.svg\\)\\]\\(http.*\\)$"));
      page.waitForNavigation(() -> page.click("#save-link-submit"));
      String fullSpec = page.locator("#saved-link").inputValue();
      assertTrue(fullSpec.matches(".*/launch/[A-Za-z0-9_-]{24}"), fullSpec);
      audit(page, "server-full-spec-link", width);
      page.waitForNavigation(() -> page.click("#build-link"));
      assertThat(page.locator("#build-share-link")).isVisible();
      audit(page, "build-links", width);

      // Someone else follows the full-spec link: exactly its spec, theirs to launch.
      Page friend = other.newPage();
      Accounts.signUp(friend, PORTAL, Accounts.uniqueUserName("fri"), PASSWORD);
      friend.navigate(fullSpec + "?repo=https%3A%2F%2Fevil.example%2Fx.git&name=evil");
      assertThat(friend.locator("#confirm-repo")).hasText(repo);
      assertThat(friend.locator("#confirm-server")).hasText("tide-tables");
      audit(friend, "full-spec-confirm", width);
      Response tampered = friend.navigate(fullSpec.substring(0, fullSpec.length() - 1) + "Z");
      assertEquals(404, tampered.status());

      // The generator, signed in: the permanent link too.
      visit(
          page,
          "/links?link="
              + URLEncoder.encode(
                  "https://mybinder.org" + link("main", "?urlpath=lab"), StandardCharsets.UTF_8),
          "links-generator",
          width);
      assertThat(page.locator("#links-commit"))
          .hasText(java.util.regex.Pattern.compile("[0-9a-f]{40}"));
      assertTrue(
          page.locator("#links-share-link").inputValue().endsWith(link("main", "?urlpath=lab")));

      // Public access on: the front page lists the server for everyone.
      Object status =
          page.evaluate(
              "async csrf => (await fetch('/api/v1/servers/tide-tables/public', {method: 'PUT',"
                  + " headers: {'Content-Type': 'application/json', 'X-CSRF-Token': csrf},"
                  + " body: JSON.stringify({enabled: true, mounts: 'none'})})).status",
              page.locator("#logout-form [name=_csrf]").inputValue());
      assertEquals(200, ((Number) status).intValue());
      Page anonymous = PageAudit.context(browser, width).newPage();
      visit(anonymous, "/", "front-with-public", width);
      var row =
          anonymous.locator(
              "tr.public-row", new Page.LocatorOptions().setHasText(user + "/tide-tables"));
      assertThat(row).hasCount(1);
      assertThat(row.locator("a.visit-link"))
          .hasAttribute("href", java.util.regex.Pattern.compile(".*/p/[A-Za-z0-9_-]+$"));
      anonymous.context().close();
    } finally {
      context.close();
      other.close();
    }
  }

  @Test
  void anotherSitesPageCannotLaunchAndHtmlInALinkStaysText(Page page, BrowserContext context) {
    String user = Accounts.uniqueUserName("vic");
    Accounts.signUp(page, PORTAL, user, PASSWORD);
    List<String> dialogs = new ArrayList<>();
    page.onDialog(
        d -> {
          dialogs.add(d.message());
          d.dismiss();
        });

    // A page of another site loads a link as an image and submits a launch form by script.
    page.navigate("http://127.0.0.1:" + attacker.getAddress().getPort() + "/");
    page.waitForLoadState();
    page.waitForTimeout(1500);
    assertFalse(page.url().contains("/launching"), page.url());
    Object servers = context.newPage().navigate(PORTAL.url("/api/v1/servers")).text();
    assertEquals("[]", servers.toString().replaceAll("\\s", ""), "nothing was launched");

    // HTML and script in a link's repository, ref and path are shown as text.
    String evilRepo = "http://127.0.0.1:1/<script>alert(1)</script>.git";
    page.navigate(
        PORTAL.url(
            "/v2/git/"
                + URLEncoder.encode(evilRepo, StandardCharsets.UTF_8)
                + "/%3Cimg%20src%3Dx%20onerror%3Dalert(2)%3E?urlpath="
                + URLEncoder.encode("<img src=x onerror=alert(3)>", StandardCharsets.UTF_8)));
    assertThat(page.locator("#confirm-repo")).hasText(evilRepo);
    assertThat(page.locator("#confirm-ref")).hasText("<img src=x onerror=alert(2)>");
    assertThat(page.locator("#confirm-path")).hasText("<img src=x onerror=alert(3)>");
    page.locator("details.advanced summary").click();
    page.waitForTimeout(500);
    assertEquals(List.of(), dialogs, "no script of the link ran");
    assertEquals(0, page.locator("img[src=x]").count());
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
}
