package org.berth.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import org.berth.builder.GitServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A user launches a server from a git repository: the build shows live on its page, the launch
 * continues by itself once the image is in the registry, and the build's page keeps its log after
 * the build has ended.
 */
class BuildJourneyIT {

  @RegisterExtension
  static final BerthProcess PORTAL =
      new BerthProcess().withEnv("BERTH_SOURCES_ALLOW_HOSTS", "127.0.0.1");

  @RegisterExtension static final BrowserFixture BROWSER = new BrowserFixture();

  private static final GitServer GIT = new GitServer();
  private static final String PASSWORD = "sea-shanty-42";

  @AfterAll
  static void stopGit() {
    GIT.close();
  }

  @Test
  void launchFromARepositoryShowsTheBuildLiveThenTheLaunch(Page page) throws Exception {
    Path files = Files.createTempDirectory("berth-journey-repo");
    Files.writeString(files.resolve("README.md"), "# Notes\n");
    String repo = GIT.create("journey-" + System.nanoTime(), files);

    String user = Accounts.uniqueUserName("bea");
    Accounts.signUp(page, PORTAL, user, PASSWORD);

    page.fill("#launch-form [name=repo]", repo);
    page.fill("#launch-form [name=ref]", "main");
    page.fill("#launch-form [name=name]", "notes");
    Response building = page.waitForNavigation(() -> page.click("#launch-submit"));
    assertEquals(202, building.status(), page.content());
    // The build page: phases, the commit it builds, and the launch waiting for it.
    assertThat(page.locator("#build-phases li")).hasCount(6);
    assertTrue(
        page.locator("#build dd code").first().textContent().matches("[0-9a-f]{40}"),
        page.content());
    assertThat(page.locator("#continue-form")).isVisible();
    String buildLink = page.locator("a:has-text('Permanent link')").getAttribute("href");

    // When the image is built, the page sends the launch on by itself, and at ready the
    // launching page goes on into the server.
    page.waitForURL(
        url -> url.startsWith(PORTAL.url("/servers/notes/launching")),
        new Page.WaitForURLOptions().setTimeout(300_000));
    page.waitForURL(
        url -> url.contains(".localhost:") && url.contains("/notes/tree"),
        new Page.WaitForURLOptions().setTimeout(60_000));

    // The build's page keeps what happened.
    page.navigate(PORTAL.url(buildLink));
    assertThat(page.locator("#build-status")).hasText("built");
    assertThat(page.locator("#build-phases.all-done")).hasCount(1);
    assertThat(page.locator("#build-strategy")).not().hasText("—");
    assertTrue(page.locator("#build-log").textContent().length() > 0, page.content());

    // A repository that does not exist is refused on the form, with nothing launched.
    page.navigate(PORTAL.url("/"));
    page.fill("#launch-form [name=repo]", repo + "-missing");
    page.fill("#launch-form [name=name]", "ghost");
    Response refused = page.waitForNavigation(() -> page.click("#launch-submit"));
    assertTrue(refused.status() >= 400, String.valueOf(refused.status()));
    assertThat(page.locator("#form-error")).isVisible();
    assertThat(page.locator("#repo-error")).isVisible();
    page.navigate(PORTAL.url("/servers"));
    assertThat(page.locator("tr.server-row[data-name=ghost]")).hasCount(0);
    page.waitForNavigation(
        () -> page.locator("tr.server-row[data-name=notes] .delete-submit").click());
    page.waitForNavigation(() -> page.click("#delete-confirm"));
  }
}
