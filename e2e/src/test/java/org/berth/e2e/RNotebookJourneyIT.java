package org.berth.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.assertions.LocatorAssertions;
import java.net.URI;
import java.nio.file.Path;
import org.berth.builder.CranRepository;
import org.berth.builder.GitServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A researcher launches a Binder R repository (runtime.txt {@code r-4.3.2-2024-01-10} + install.R,
 * the builder's {@code r-runtime} fixture): Berth builds R with its packages from a CRAN-like
 * repository served here, the build's page says which R it has, and the repository's R notebook
 * runs its cells on the R kernel in the launched server.
 */
class RNotebookJourneyIT {

  private static final CranRepository CRAN =
      new CranRepository(org.berth.builder.BuilderStack.buildNetworkGateway());

  @RegisterExtension
  static final BerthProcess PORTAL =
      new BerthProcess()
          .withEnv("BERTH_SOURCES_ALLOW_HOSTS", "127.0.0.1")
          .withEnv("BERTH_BUILDER_CRAN_URL", CRAN.url())
          .withEnv("BERTH_BUILDER_CRAN_SNAPSHOT_URL", CRAN.snapshotUrl());

  @RegisterExtension static final BrowserFixture BROWSER = new BrowserFixture();

  private static final GitServer GIT = new GitServer();
  private static final String PASSWORD = "sea-shanty-42";

  @AfterAll
  static void stopServers() {
    GIT.close();
    CRAN.close();
  }

  @Test
  void launchAnRRepositoryAndRunItsNotebookOnTheRKernel(Page page, BrowserContext context) {
    String repo =
        GIT.create(
            "r-journey-" + System.nanoTime(),
            Path.of("..", "builder", "src", "test", "resources", "fixtures", "r-runtime")
                .toAbsolutePath()
                .normalize());
    String user = Accounts.uniqueUserName("rita");
    Accounts.signUp(page, PORTAL, user, PASSWORD); // lands signed in

    page.fill("#launch-form [name=repo]", repo);
    page.fill("#launch-form [name=ref]", "main");
    page.fill("#launch-form [name=name]", "rlab");
    page.fill("#launch-form [name=memory]", "512M");
    Response building = page.waitForNavigation(() -> page.click("#launch-submit"));
    assertEquals(202, building.status(), page.content());
    String buildLink = page.locator("a:has-text('Permanent link')").getAttribute("href");

    // R and its packages are built (minutes when the engine has not installed R before).
    // Once built, the launch goes on by itself, and the ready server opens by itself too.
    page.waitForURL(
        url -> url.contains(".localhost:") && url.contains("/user/" + user + "/rlab/"),
        new Page.WaitForURLOptions().setTimeout(660_000));
    assertTrue(
        CRAN.requests().contains("/snapshot/2024-01-10/src/contrib/berthr_0.1.tar.gz"),
        "install.R's packages come from CRAN as of runtime.txt's date: " + CRAN.requests());

    // The server: open the repository's R notebook and run its cell, then one typed here.
    Page jupyter = page;
    jupyter.waitForLoadState();
    URI origin = URI.create(jupyter.url());
    String base = "/user/" + user + "/rlab/";
    jupyter.navigate(
        origin.getScheme() + "://" + origin.getAuthority() + base + "notebooks/r-notebook.ipynb");
    assertThat(jupyter.locator("#kernel_indicator_icon.kernel_idle_icon"))
        .isVisible(new LocatorAssertions.IsVisibleOptions().setTimeout(60_000));
    assertThat(jupyter.locator(".kernel_indicator_name")).hasText("R");
    jupyter.locator("div.input_area").first().click();
    jupyter.keyboard().press("Shift+Enter");
    assertThat(jupyter.locator("div.output_area pre").first())
        .hasText("42 from berthr", new LocatorAssertions.HasTextOptions().setTimeout(30_000));
    jupyter.locator("div.input_area").nth(1).click();
    jupyter.keyboard().type("cat(sum(1:10), R.version$language)");
    jupyter.keyboard().press("Shift+Enter");
    assertThat(jupyter.locator("div.output_area pre").nth(1))
        .hasText("55 R", new LocatorAssertions.HasTextOptions().setTimeout(30_000));

    // The build's page says which R the environment has, as runtime.txt asked for another.
    page.navigate(PORTAL.url(buildLink));
    assertThat(page.locator("#build-status")).hasText("built");
    assertThat(page.locator("#build-log"))
        .containsText(
            "Note: runtime.txt asks for R 4.3.2, but Berth installs R from Debian's packages");

    page.navigate(PORTAL.url("/servers/rlab/delete"));
    page.waitForNavigation(() -> page.click("#delete-confirm"));
    assertThat(page.locator("tr.server-row[data-name=rlab]")).hasCount(0);
  }
}
