package org.berth.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Volumes in the browser: a teacher creates a volume, shares it read-only with a student, and
 * mounts it read-write in her own server from the launch form; the student mounts it read-only in
 * his, reads her file and cannot change it; the volume cannot be deleted while servers mount it.
 * The volumes pages, the launch form's volume rows with a refused mount point, and the deletion
 * question are audited at 1280 and 375 px with screenshots.
 */
class VolumesJourneyIT {

  @RegisterExtension static final BerthProcess PORTAL = new BerthProcess();

  @RegisterExtension static final BrowserFixture BROWSER = new BrowserFixture();

  static final String PASSWORD = "volume-tea-21";

  @Test
  void aSharedVolumeIsReadOnlyForTheStudentAndKeptWhileMounted(Browser browser) {
    BrowserContext teacherContext = browser.newContext();
    BrowserContext studentContext = browser.newContext();
    try {
      Page teacher = teacherContext.newPage();
      Page student = studentContext.newPage();
      String teacherName = Accounts.uniqueUserName("tess");
      String studentName = Accounts.uniqueUserName("sam");
      Accounts.signUp(teacher, PORTAL, teacherName, PASSWORD);
      Accounts.signUp(student, PORTAL, studentName, PASSWORD);

      createVolume(teacher, "course-data");
      teacher.navigate(PORTAL.url("/volumes/course-data"));
      teacher.fill("#member", studentName);
      teacher.selectOption("#access", "ro");
      teacher.waitForNavigation(() -> teacher.click("#add-member-submit"));
      assertThat(teacher.locator("li.member[data-member='" + studentName + "']"))
          .containsText("read-only");

      // The teacher mounts it read-write and writes a file into it.
      launchWithMount(teacher, "prep", "/home/jovyan/course", "course-data", "rw");
      Launches.awaitInServer(teacher, teacherName, "prep");
      Launches.writeFile(teacher, teacherName, "prep", "course/week1.txt", "read me first");

      // The student sees it among his volumes and mounts it read-only.
      student.navigate(PORTAL.url("/volumes"));
      String reference = teacherName + "/course-data";
      assertThat(student.locator("tr.volume-row[data-ref='" + reference + "'] td").nth(1))
          .hasText("read-only");
      launchWithMount(student, "study", "/home/jovyan/course", reference, "ro");
      Launches.awaitInServer(student, studentName, "study");
      assertEquals(
          "read me first", Launches.readFile(student, studentName, "study", "course/week1.txt"));
      Object status =
          student.evaluate(
              "async (url) => (await fetch(url, {method: 'PUT', headers: {'Content-Type':"
                  + " 'application/json'}, body: JSON.stringify({type: 'file', format: 'text',"
                  + " content: 'changed'})})).status",
              "/user/" + studentName + "/study/api/contents/course/week1.txt");
      assertTrue(((Number) status).intValue() >= 400, "a read-only mount refuses writes");
      assertEquals(
          "read me first", Launches.readFile(teacher, teacherName, "prep", "course/week1.txt"));

      // The server pages say what is mounted; the volume cannot go while servers mount it.
      student.navigate(PORTAL.url("/servers/study"));
      assertThat(student.locator("#server-mounts"))
          .containsText("/home/jovyan/course ← " + reference + " (read-only)");
      teacher.navigate(PORTAL.url("/volumes"));
      assertThat(teacher.locator("tr.volume-row[data-ref='" + reference + "'] .volume-used"))
          .containsText(teacherName + "/prep");
      teacher.navigate(PORTAL.url("/volumes/course-data/delete"));
      assertThat(teacher.locator("#volume-in-use")).containsText(teacherName + "/prep");
      assertThat(teacher.locator("#volume-delete-confirm")).hasCount(0);
      for (int width : new int[] {PageAudit.DESKTOP, PageAudit.PHONE}) {
        BrowserContext audited = PageAudit.context(browser, width);
        try {
          Page page = audited.newPage();
          Accounts.signIn(page, PORTAL, teacherName, PASSWORD);
          page.navigate(PORTAL.url("/volumes/course-data/delete"));
          PageAudit.check(page, "volume-delete-in-use", width);
          page.navigate(PORTAL.url("/servers/prep"));
          PageAudit.check(page, "server-with-volume", width);
        } finally {
          audited.close();
        }
      }

      // The student fills in another launch; the teacher takes him off before he sends it.
      fillMount(student, "again", "/home/jovyan/course", reference, "ro");
      teacher.navigate(PORTAL.url("/volumes/course-data"));
      teacher.waitForNavigation(() -> teacher.click("li.member .remove-member"));
      assertThat(teacher.locator("#notice")).containsText("no longer a member");
      student.waitForNavigation(() -> student.click("#launch-submit"));
      assertThat(student.locator("#mounts-error")).containsText(reference);
      student.navigate(PORTAL.url("/servers"));
      assertThat(student.locator("tr.server-row[data-name='again']")).hasCount(0);
    } finally {
      teacherContext.close();
      studentContext.close();
    }
  }

  @ParameterizedTest(name = "{0} px")
  @ValueSource(ints = {PageAudit.DESKTOP, PageAudit.PHONE})
  void volumePagesReadWell(int width, Browser browser) {
    BrowserContext context = PageAudit.context(browser, width);
    try {
      Page page = context.newPage();
      String name = Accounts.uniqueUserName("vera");
      Accounts.signUp(page, PORTAL, name, PASSWORD);

      // The list starts with the home every user has.
      page.navigate(PORTAL.url("/volumes"));
      assertThat(page.locator("tr.volume-row")).hasCount(1);
      assertThat(page.locator("tr.volume-row td").first()).containsText("your home");
      assertThat(page.locator("#volume-usage"))
          .hasText(
              "Your volumes use 0 KiB of your 10 GiB quota, and you own 1 of the 10 volumes you"
                  + " may have.");
      PageAudit.check(page, "volumes-home-only", width);

      // A name with odd characters is refused with a message, and nothing is made.
      page.fill("#volume-name", "Notes & Stuff");
      page.click("#create-volume-submit");
      assertThat(page.locator("main")).containsText("lowercase");
      PageAudit.check(page, "volume-bad-name", width);
      page.navigate(PORTAL.url("/volumes"));
      assertThat(page.locator("tr.volume-row")).hasCount(1);

      createVolume(page, "notes");
      assertThat(page.locator("#notice")).hasText("Created notes.");
      PageAudit.check(page, "volumes", width);
      page.navigate(PORTAL.url("/volumes/notes"));
      page.fill("#member", "group:class-a");
      page.selectOption("#access", "rw");
      page.waitForNavigation(() -> page.click("#add-member-submit"));
      assertThat(page.locator("li.member[data-member='group:class-a']")).containsText("read-write");
      PageAudit.check(page, "volume", width);

      // The launch form offers the volumes; a mount point outside the home is refused by row.
      page.navigate(PORTAL.url("/"));
      assertEquals(
          List.of("(none)", "home", "notes"),
          page.locator("#f-mount-volume-0 option").allTextContents());
      page.fill("#launch-form [name=name]", "lab");
      page.fill("#f-mount-target-0", "/etc");
      page.selectOption("#f-mount-volume-0", "notes");
      page.click("#launch-submit");
      assertThat(page.locator("#mount-0-error")).containsText("/etc");
      assertEquals("true", page.locator("#f-mount-target-0").getAttribute("aria-invalid"));
      assertEquals("/etc", page.locator("#f-mount-target-0").inputValue());
      PageAudit.check(page, "launch-mount-refused", width);
      page.navigate(PORTAL.url("/servers"));
      assertThat(page.locator("tr.server-row")).hasCount(0);

      // Deleting asks first, naming the data; then it is gone.
      page.navigate(PORTAL.url("/volumes/notes/delete"));
      assertThat(page.locator("main")).containsText("cannot be undone");
      assertThat(page.locator("main")).containsText("for its members too");
      PageAudit.check(page, "volume-delete", width);
      page.waitForNavigation(() -> page.click("#volume-delete-confirm"));
      assertThat(page.locator("#notice")).hasText("Deleted notes and its data.");
      assertThat(page.locator("tr.volume-row")).hasCount(1);
    } finally {
      context.close();
    }
  }

  private static void createVolume(Page page, String name) {
    page.navigate(PORTAL.url("/volumes"));
    page.fill("#volume-name", name);
    page.waitForNavigation(() -> page.click("#create-volume-submit"));
  }

  private static void launchWithMount(
      Page page, String server, String target, String volume, String mode) {
    fillMount(page, server, target, volume, mode);
    page.waitForNavigation(() -> page.click("#launch-submit"));
    if (mode.equals("rw")) {
      // A writable mount is confirmed first (issue #14's security confirmation), naming it.
      assertThat(page.locator("#confirm-mounts")).containsText(target + " ← ");
      assertThat(page.locator("#confirm-mounts")).containsText("(read-write)");
      page.waitForNavigation(() -> page.click("#confirm-launch-form #launch-submit"));
    } else {
      assertThat(page.locator("#confirm-launch-form")).hasCount(0);
    }
  }

  private static void fillMount(
      Page page, String server, String target, String volume, String mode) {
    page.navigate(PORTAL.url("/"));
    page.fill("#launch-form [name=name]", server);
    page.fill("#launch-form [name=memory]", "256M");
    page.fill("#f-mount-target-0", target);
    page.selectOption("#f-mount-volume-0", volume);
    page.selectOption("#f-mount-mode-0", mode);
  }
}
