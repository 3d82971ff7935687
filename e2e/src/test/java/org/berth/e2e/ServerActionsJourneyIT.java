package org.berth.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A user's actions on their servers, in the browser: delete asks first and names what goes, start
 * keeps every setting, a changed setting is listed before anything changes, and the launching page
 * follows the launch to the end (into the server, or Failed with a way back).
 */
class ServerActionsJourneyIT {

  @RegisterExtension static final BerthProcess PORTAL = new BerthProcess();
  @RegisterExtension static final BrowserFixture BROWSER = new BrowserFixture();

  private static final String PASSWORD = "sea-shanty-42";

  @Test
  void deleteAsksFirstAndACancelKeepsTheServerAndItsFiles(Page page) {
    String user = Accounts.uniqueUserName("del");
    Accounts.signUp(page, PORTAL, user, PASSWORD);
    Launches.submit(page, PORTAL, Map.of("name", "keep", "memory", "256M"));
    Launches.awaitInServer(page, user, "keep");
    Launches.writeFile(page, user, "keep", "notes.txt", "field notes");

    // Delete on the list asks first, naming what goes, with a button that looks destructive.
    page.navigate(PORTAL.url("/servers"));
    page.waitForNavigation(
        () -> page.locator("tr.server-row[data-name=keep] .delete-submit").click());
    assertEquals(PORTAL.url("/servers/keep/delete"), page.url());
    assertThat(page.locator("h1")).hasText("Delete keep?");
    assertThat(page.locator("#what-goes")).containsText("which is running now");
    assertThat(page.locator("#data-goes")).containsText("/home/jovyan");
    assertThat(page.locator("#data-goes")).containsText("every file");
    assertThat(page.locator("#keep-data")).isChecked();
    assertThat(page.locator("#delete-confirm")).hasText("Delete keep");
    assertEquals(
        "rgb(179, 38, 30)",
        page.locator("#delete-confirm").evaluate("e => getComputedStyle(e).backgroundColor"),
        "the confirming button is red");

    // Cancel: the server and its files are still there.
    page.waitForNavigation(() -> page.click("#delete-cancel"));
    assertEquals(PORTAL.url("/servers/keep"), page.url());
    assertThat(page.locator("#server-state")).hasText("running");
    page.waitForNavigation(() -> page.click("#open-link"));
    Launches.awaitInServer(page, user, "keep");
    assertEquals("field notes", Launches.readFile(page, user, "keep", "notes.txt"));

    // Confirmed, the server goes and, unless asked, its files stay for the next launch.
    page.navigate(PORTAL.url("/servers/keep/delete"));
    page.waitForNavigation(() -> page.click("#delete-confirm"));
    assertEquals(PORTAL.url("/servers?deleted=keep"), page.url());
    assertThat(page.locator("#notice"))
        .hasText("Deleted keep. Its files are kept in your home; a new server finds them.");
    assertThat(page.locator("tr.server-row[data-name=keep]")).hasCount(0);
    Launches.submit(page, PORTAL, Map.of("name", "again", "memory", "256M"));
    Launches.awaitInServer(page, user, "again");
    assertEquals("field notes", Launches.readFile(page, user, "again", "notes.txt"));

    // Deleted with its data, the files are gone.
    page.navigate(PORTAL.url("/servers/again/delete"));
    page.check("#delete-data");
    page.waitForNavigation(() -> page.click("#delete-confirm"));
    assertEquals(PORTAL.url("/servers?deleted=again&data=deleted"), page.url());
    assertThat(page.locator("#notice")).hasText("Deleted again and its data.");
    Launches.submit(page, PORTAL, Map.of("name", "fresh", "memory", "256M"));
    Launches.awaitInServer(page, user, "fresh");
    assertEquals(null, Launches.readFile(page, user, "fresh", "notes.txt"), "the file is gone");
  }

  @Test
  void startKeepsEverySetting(Page page) {
    String user = Accounts.uniqueUserName("sta");
    Accounts.signUp(page, PORTAL, user, PASSWORD);
    Launches.submit(
        page,
        PORTAL,
        Map.of("name", "steady", "memory", "384M", "cpus", "0.5", "idleTimeout", "2h"));
    Launches.awaitInServer(page, user, "steady");
    String before = settings(page, "steady");
    assertEquals("384 MiB, 0.5 CPUs | Stops after 2h without use", before);

    // Stop from the server's page, then Start: no form, no question, the same settings.
    page.waitForNavigation(() -> page.click("#stop-submit"));
    assertThat(page.locator("#server-state")).hasText("stopped");
    assertThat(page.locator("#notice")).containsText("Its files are kept");
    page.waitForNavigation(() -> page.click("#start-submit"));
    assertEquals(PORTAL.url("/servers/steady/launching"), page.url());
    Launches.awaitInServer(page, user, "steady");
    assertEquals(before, settings(page, "steady"));
    String api = page.request().get(PORTAL.url("/api/v1/servers/steady")).text().replace(" ", "");
    assertTrue(api.contains("\"memoryBytes\":" + (384L << 20)), api);
    assertTrue(api.contains("\"cpus\":0.5"), api);
    assertTrue(api.contains("\"idleTimeoutSeconds\":7200"), api);
  }

  @Test
  void aRecreateThatChangesOnlyTheIdleTimeoutListsThatChange(Page page) {
    String user = Accounts.uniqueUserName("tid");
    Accounts.signUp(page, PORTAL, user, PASSWORD);
    Map<String, String> form = new LinkedHashMap<>();
    form.put("name", "tide");
    form.put("memory", "256M");
    form.put("idleTimeout", "2h");
    Launches.submit(page, PORTAL, form);
    Launches.awaitInServer(page, user, "tide");

    // The same launch but for the idle timeout: asked first, with that one change listed.
    form.put("idleTimeout", "1h");
    Launches.submit(page, PORTAL, form);
    assertThat(page.locator("h1")).hasText("Change the settings of tide?");
    assertThat(page.locator("#changes li")).hasText(new String[] {"idle timeout: 2h → 1h"});
    assertThat(page.locator("#restart")).containsText("does not restart");
    assertThat(page.locator("#confirm-submit")).hasText("Apply the changes");
    page.waitForNavigation(() -> page.click("#confirm-submit"));
    Launches.awaitInServer(page, user, "tide");
    assertEquals("256 MiB, 1 CPU | Stops after 1h without use", settings(page, "tide"));

    // A change the container must be made anew for says the server restarts; keeping it as it
    // is changes nothing.
    form.put("memory", "512M");
    Launches.submit(page, PORTAL, form);
    assertThat(page.locator("h1")).hasText("Recreate tide?");
    assertThat(page.locator("#changes li")).hasText(new String[] {"memory: 256 MiB → 512 MiB"});
    assertThat(page.locator("#restart")).containsText("The server restarts.");
    assertThat(page.locator("#confirm-submit")).hasText("Recreate and restart");
    page.waitForNavigation(() -> page.click("text=Keep it as it is"));
    assertEquals("256 MiB, 1 CPU | Stops after 1h without use", settings(page, "tide"));
  }

  @Test
  void theLaunchingPageGoesOnIntoTheServerOnReadyOrWaitsWithOpenWhenAsked(
      Page page, BrowserContext context) {
    String user = Accounts.uniqueUserName("go");
    Accounts.signUp(page, PORTAL, user, PASSWORD);

    // By default: into the server as soon as it is ready, in the same tab.
    Launches.submit(page, PORTAL, Map.of("name", "ahead", "memory", "256M"));
    assertTrue(page.url().startsWith(PORTAL.url("/servers/ahead/launching")), page.url());
    Launches.awaitInServer(page, user, "ahead");
    // Jupyter's tree fills its list by script after some twenty static files: slow on a busy
    // machine.
    assertThat(page.locator("#notebook_list"))
        .isVisible(new LocatorAssertions.IsVisibleOptions().setTimeout(Launches.READY_MS));

    // With the preference off, the page says Ready and offers a clear Open button.
    page.navigate(PORTAL.url("/account"));
    page.locator("#pref-open-when-ready").uncheck();
    page.waitForNavigation(() -> page.click("#preferences-submit"));
    assertThat(page.locator("#notice")).hasText("Preferences saved.");
    assertThat(page.locator("#pref-open-when-ready")).not().isChecked();
    Launches.submit(page, PORTAL, Map.of("name", "wait", "memory", "256M"));
    assertThat(page.locator("#launch-word"))
        .hasText("Ready", new LocatorAssertions.HasTextOptions().setTimeout(Launches.READY_MS));
    assertThat(page).hasTitle("Ready: wait · Berth");
    Locator open = page.locator("#open-link");
    assertThat(open).isVisible();
    assertThat(open).hasClass(Pattern.compile("\\bbutton\\b"));
    assertThat(page.locator("#back-to-form")).isHidden();
    page.waitForTimeout(1500);
    assertTrue(page.url().startsWith(PORTAL.url("/servers/wait/launching")), "it stays");
    page.waitForNavigation(open::click);
    Launches.awaitInServer(page, user, "wait");
  }

  @Test
  void theLaunchingPageShowsFailedWithAWayBackToTheFormWithMyValues(Page page) {
    String user = Accounts.uniqueUserName("oops");
    Accounts.signUp(page, PORTAL, user, PASSWORD);
    Map<String, String> form = new LinkedHashMap<>();
    form.put("name", "ghost");
    form.put("memory", "300M");
    form.put("idleTimeout", "3h");
    String ghost = PORTAL.registry().address() + "/berth/no-such-image:1";
    form.put("image", ghost);
    Launches.submit(page, PORTAL, form);

    assertThat(page.locator("#launch-word"))
        .hasText("Failed", new LocatorAssertions.HasTextOptions().setTimeout(Launches.READY_MS));
    assertThat(page).hasTitle("Failed: ghost · Berth");
    assertThat(page.locator("#launch-message")).containsText("no-such-image");
    assertThat(page.locator("#open-link")).isHidden();
    page.waitForNavigation(() -> page.click("#back-to-form"));

    assertEquals(PORTAL.url("/"), page.url().replaceAll("\\?.*", ""));
    assertThat(page.locator("#f-name")).hasValue("ghost");
    assertThat(page.locator("#f-memory")).hasValue("300M");
    assertThat(page.locator("#f-idleTimeout")).hasValue("3h");
    assertThat(page.locator("#f-image")).hasValue(ghost);
    assertThat(page.locator("#f-image")).isVisible(); // Advanced is open: the image was set
  }

  /** The server page's resources and idle rule, as one line. */
  private static String settings(Page page, String name) {
    page.navigate(PORTAL.url("/servers/" + name));
    return page.locator("#server-resources").textContent().strip()
        + " | "
        + page.locator("#server-idle").textContent().strip();
  }
}
