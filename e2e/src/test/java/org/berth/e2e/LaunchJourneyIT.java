package org.berth.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A user launches a named server from the launch form, opens it through Berth on the server's own
 * origin, and runs a notebook cell: kernel WebSocket traffic goes through Berth's proxy.
 */
class LaunchJourneyIT {

  @RegisterExtension static final BerthProcess PORTAL = new BerthProcess();
  @RegisterExtension static final BrowserFixture BROWSER = new BrowserFixture();

  private static final String PASSWORD = "sea-shanty-42";

  @Test
  void launchOpenAndRunACellOnTheServersOwnOrigin(Page page, BrowserContext context) {
    String user = Accounts.uniqueUserName("nora");
    Accounts.signUp(page, PORTAL, user, PASSWORD);

    // Launch from the form, with the default image from the local registry.
    page.fill("#launch-form [name=name]", "lab");
    page.fill("#launch-form [name=memory]", "512M");
    page.waitForNavigation(() -> page.click("#launch-submit"));
    assertTrue(page.url().startsWith(PORTAL.url("/servers/lab/launching")), page.url());
    // The launch's phases stream in; at ready the page goes on into the server, on its own
    // origin, signed in there by a one-time hand-off.
    page.waitForURL(
        url -> url.contains(".localhost:") && url.contains("/user/" + user + "/lab/tree"),
        new Page.WaitForURLOptions().setTimeout(60_000));
    Page jupyter = page;
    URI origin = URI.create(jupyter.url());
    assertTrue(origin.getHost().endsWith(".localhost"), jupyter.url());
    assertTrue(origin.getPath().startsWith("/user/" + user + "/lab/tree"), jupyter.url());
    // A server that has just become ready serves its first page slowly (cold static files).
    assertThat(jupyter.locator("#notebook_list"))
        .isVisible(
            new com.microsoft.playwright.assertions.LocatorAssertions.IsVisibleOptions()
                .setTimeout(30_000));

    // The portal's session cookie never reaches the server's origin.
    String originUrl = origin.getScheme() + "://" + origin.getAuthority() + "/";
    List<String> originCookies = context.cookies(originUrl).stream().map(c -> c.name).toList();
    assertFalse(originCookies.contains("berth_session"), originCookies.toString());
    assertTrue(originCookies.contains("berth_origin"), originCookies.toString());

    // Make a notebook, open it, run a cell: the kernel talks over WebSockets through Berth.
    String base = "/user/" + user + "/lab/";
    Object created =
        jupyter.evaluate(
            "async (base) => (await fetch(base + 'api/contents/hello.ipynb', {method: 'PUT',"
                + " headers: {'Content-Type': 'application/json'}, body: JSON.stringify({type:"
                + " 'notebook', content: {cells: [], metadata: {}, nbformat: 4, nbformat_minor:"
                + " 5}})})).status",
            base);
    assertEquals(201, ((Number) created).intValue());
    jupyter.navigate(originUrl.replaceAll("/$", "") + base + "notebooks/hello.ipynb");
    assertThat(jupyter.locator("#kernel_indicator_icon.kernel_idle_icon"))
        .isVisible(
            new com.microsoft.playwright.assertions.LocatorAssertions.IsVisibleOptions()
                .setTimeout(30_000));
    jupyter.locator("div.input_area").first().click();
    jupyter.keyboard().type("print(6 * 7)");
    jupyter.keyboard().press("Shift+Enter");
    assertThat(jupyter.locator("div.output_area pre").first())
        .hasText(
            "42",
            new com.microsoft.playwright.assertions.LocatorAssertions.HasTextOptions()
                .setTimeout(30_000));

    // Another user's browser sees nothing there.
    BrowserContext other = context.browser().newContext();
    Page stranger = other.newPage();
    int status = stranger.navigate(originUrl.replaceAll("/$", "") + base + "tree").status();
    assertEquals(404, status);
    other.close();

    // Clean up through the page, as the owner would: Delete asks first.
    page.navigate(PORTAL.url("/servers"));
    Locator row = page.locator("tr.server-row[data-name=lab]");
    assertThat(row.locator(".server-state")).hasText("running");
    page.waitForNavigation(() -> row.locator(".delete-submit").click());
    page.waitForNavigation(() -> page.click("#delete-confirm"));
    assertThat(page.locator("tr.server-row[data-name=lab]")).hasCount(0);
  }
}
