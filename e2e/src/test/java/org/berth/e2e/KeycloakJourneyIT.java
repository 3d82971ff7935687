package org.berth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Signing in through the real Keycloak, started from its distribution by the stack: its own login
 * page, Berth's name and groups from it, sign-out of both, groups and the admin role refreshed at
 * each sign-in, and the credentials hand-over into a real server (the token file, its renewal
 * before it expires, nothing without the flag, and no token in any log).
 */
class KeycloakJourneyIT {

  static final KeycloakRealm KEYCLOAK = KeycloakRealm.local();

  @RegisterExtension
  static final BerthProcess PORTAL =
      KEYCLOAK.configure(new BerthProcess()).withEnv("BERTH_OIDC_CREDENTIALS_EVERY", "2s");

  @RegisterExtension static final BrowserFixture BROWSER = new BrowserFixture();

  private static final Pattern EXP = Pattern.compile("\"exp\"\\s*:\\s*(\\d+)");

  /** Signs in through Keycloak's own login page and waits until Berth's launch form shows. */
  static void signIn(Page page, String user) {
    page.navigate(PORTAL.url("/login"));
    page.click("#provider-login");
    page.waitForURL(u -> u.startsWith(KEYCLOAK.url));
    page.fill("#username", user);
    page.fill("#password", KeycloakRealm.PASSWORD);
    page.click("#kc-login");
    page.waitForURL(PORTAL.url("/"));
  }

  @Test
  void signsInThroughKeycloakWithItsNameAndGroupsAndSignsOutOfBoth(Page page) {
    String user = Accounts.uniqueUserName("kc");
    KEYCLOAK.createUser(user, "/students", "/courses/physics-101");

    signIn(page, user);
    assertEquals(user, page.textContent("#current-user"));
    page.navigate(PORTAL.url("/account"));
    assertEquals("courses/physics-101, students", page.textContent("#groups"));

    KEYCLOAK.addToGroup(user, "/labs/genomics");
    page.click("#logout-submit");
    page.waitForURL(u -> u.startsWith(PORTAL.url("/login")));
    assertTrue(page.textContent("main").contains("You are signed out."));

    // Keycloak's session ended too: it asks for the password again.
    page.click("#provider-login");
    page.waitForURL(u -> u.startsWith(KEYCLOAK.url));
    assertTrue(page.isVisible("#password"), "Keycloak asks again: " + page.url());
    page.fill("#username", user);
    page.fill("#password", KeycloakRealm.PASSWORD);
    page.click("#kc-login");
    page.waitForURL(PORTAL.url("/"));
    page.navigate(PORTAL.url("/account"));
    assertEquals(
        "courses/physics-101, labs/genomics, students",
        page.textContent("#groups"),
        "the group added in Keycloak shows after the next sign-in");
  }

  @Test
  void theAdminRoleOpensTheAdminPagesAndWithoutItTheyAreRefused(Browser browser) {
    try (BrowserContext admin = browser.newContext();
        BrowserContext student = browser.newContext()) {
      Page a = admin.newPage();
      signIn(a, "ada");
      a.navigate(PORTAL.url("/admin/users"));
      assertEquals("Users", a.textContent("h1"));
      assertTrue(a.isVisible("#users"));
      assertEquals(200, apiStatus(a, "/api/v1/admin/users/ada/groups"));

      Page s = student.newPage();
      signIn(s, "sam");
      assertFalse(s.isVisible("a[href='/admin/users']"), "no Users link without the role");
      s.navigate(PORTAL.url("/admin/users"));
      assertEquals("Not allowed", s.textContent("h1"));
      assertEquals(403, apiStatus(s, "/api/v1/admin/users/ada/groups"));
    }
  }

  private static int apiStatus(Page page, String path) {
    return ((Number)
            page.evaluate(
                "async (p) => (await fetch(p, {headers: {Accept: 'application/json'}})).status",
                path))
        .intValue();
  }

  @ParameterizedTest
  @ValueSource(ints = {PageAudit.DESKTOP, PageAudit.PHONE})
  void pagesOfSignInAndCredentialsAtEveryWidth(int width) {
    try (BrowserContext context = PageAudit.context(BROWSER.browser(), width)) {
      Page page = context.newPage();
      page.navigate(PORTAL.url("/login"));
      PageAudit.check(page, "keycloak-login", width);
      signIn(page, "ada");
      PageAudit.check(page, "keycloak-launch-form", width);
      page.navigate(PORTAL.url("/account"));
      PageAudit.check(page, "keycloak-account", width);
      page.navigate(PORTAL.url("/admin/users"));
      PageAudit.check(page, "admin-users", width);
      page.navigate(PORTAL.url("/"));
      page.fill("#launch-form [name=name]", "shot" + width);
      page.check("#f-credentials");
      page.waitForNavigation(() -> page.click("#launch-submit"));
      assertTrue(page.isVisible("#credentials-confirm"), page.content());
      PageAudit.check(page, "credentials-confirm", width);
    }
  }

  @Test
  void aServerWithTheFlagGetsARenewedTokenFileAndOneWithoutGetsNone(Page page) throws Exception {
    String user = Accounts.uniqueUserName("kc");
    KEYCLOAK.createUser(user, "/researchers");
    signIn(page, user);

    launch(page, user, "tok", true);
    String container = container(user, "tok");
    assertEquals("/run/berth/access-token", exec(container, "printenv BERTH_ACCESS_TOKEN_FILE"));
    assertEquals("400 1000", exec(container, "stat -c '%a %u' \"$BERTH_ACCESS_TOKEN_FILE\""));
    String first = exec(container, "cat \"$BERTH_ACCESS_TOKEN_FILE\"");
    String claims = payload(first);
    assertTrue(claims.contains("\"preferred_username\":\"" + user + "\""), claims);
    assertTrue(claims.contains("\"azp\":\"berth\""), claims);
    Instant firstExpires = expiry(first);

    String second = first;
    Instant changedAt = null;
    Instant deadline = firstExpires.plusSeconds(5);
    while (Instant.now().isBefore(deadline)) {
      second = exec(container, "cat \"$BERTH_ACCESS_TOKEN_FILE\"");
      if (!second.equals(first)) {
        changedAt = Instant.now();
        break;
      }
      Thread.sleep(500);
    }
    assertNotEquals(first, second, "the token was renewed");
    assertTrue(
        changedAt.isBefore(firstExpires),
        "renewed at " + changedAt + ", before the first token expired at " + firstExpires);
    Duration life = Duration.between(issued(first), firstExpires);
    assertTrue(
        Duration.between(changedAt, firstExpires).compareTo(life.dividedBy(2)) < 0,
        "renewed late in its life (" + life + "), not written again at once: " + changedAt);
    assertTrue(expiry(second).isAfter(firstExpires));

    launch(page, user, "plain", false);
    String plain = container(user, "plain");
    assertEquals("", exec(plain, "printenv BERTH_ACCESS_TOKEN_FILE || true"));
    assertEquals("absent", exec(plain, "test -e /run/berth && echo present || echo absent"));

    // Stopped, the token goes with the server's in-memory volume.
    page.navigate(PORTAL.url("/servers/tok"));
    page.waitForNavigation(() -> page.click("form[action='/servers/tok/stop'] button"));
    String volume = "berth-credentials-" + container.replaceFirst("^berth-", "");
    assertEquals(
        "",
        run(
            "docker",
            "run",
            "--rm",
            "-v",
            volume + ":/x",
            PORTAL.registry().jupyterBase(),
            "ls",
            "-A",
            "/x"));

    // Started again, it gets a token again; signed out, the token is taken out at once.
    page.navigate(PORTAL.url("/servers/tok"));
    page.click("form[action='/servers/tok/start'] button");
    Launches.awaitInServer(page, user, "tok");
    page.navigate(PORTAL.url("/"));
    String third = exec(container, "cat \"$BERTH_ACCESS_TOKEN_FILE\"");
    assertTrue(payload(third).contains(user));
    page.click("#logout-submit");
    page.waitForURL(u -> u.startsWith(PORTAL.url("/login")));
    assertEquals(
        "absent",
        exec(container, "test -e /run/berth/access-token && echo present || echo absent"));

    for (String token : List.of(first, second, third)) {
      String signature = token.substring(token.lastIndexOf('.') + 1);
      String portalLog = Files.readString(PORTAL.log(), StandardCharsets.UTF_8);
      assertFalse(portalLog.contains(signature), "a token is in Berth's log " + PORTAL.log());
      for (String c : List.of(container, plain)) {
        assertFalse(run("docker", "logs", c).contains(signature), "a token is in the log of " + c);
      }
    }
  }

  /** Launches an image server from the form, with or without the token, and waits for it. */
  private static void launch(Page page, String user, String name, boolean credentials) {
    page.navigate(PORTAL.url("/"));
    page.fill("#launch-form [name=name]", name);
    page.fill("#launch-form [name=memory]", "256M");
    if (credentials) {
      page.check("#f-credentials");
    }
    page.waitForNavigation(() -> page.click("#launch-submit"));
    if (credentials) {
      assertTrue(page.textContent("h1").startsWith("Pass your access token"), page.content());
      page.waitForNavigation(() -> page.click("#credentials-confirm"));
    }
    Launches.awaitInServer(page, user, name);
  }

  private static String container(String user, String name)
      throws IOException, InterruptedException {
    String id =
        run(
            "docker",
            "ps",
            "--format",
            "{{.Names}}",
            "--filter",
            "label=org.berth.instance=" + PORTAL.instanceId(),
            "--filter",
            "label=org.berth.owner=" + user,
            "--filter",
            "label=org.berth.server=" + name);
    assertTrue(id.startsWith("berth-") && !id.contains("\n"), "one container: " + id);
    return id;
  }

  private static String exec(String container, String script)
      throws IOException, InterruptedException {
    return run("docker", "exec", "-u", "1000:100", container, "sh", "-c", script);
  }

  private static String run(String... command) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (p.waitFor() != 0 && !command[0].equals("docker")) {
      fail(String.join(" ", command) + " failed: " + out);
    }
    return out;
  }

  private static String payload(String jwt) {
    String[] parts = jwt.split("\\.");
    assertEquals(3, parts.length, "a signed JWT");
    return new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
  }

  private static Instant issued(String jwt) {
    Matcher m = Pattern.compile("\"iat\"\\s*:\\s*(\\d+)").matcher(payload(jwt));
    assertTrue(m.find());
    return Instant.ofEpochSecond(Long.parseLong(m.group(1)));
  }

  private static Instant expiry(String jwt) {
    Matcher m = EXP.matcher(payload(jwt));
    assertTrue(m.find());
    return Instant.ofEpochSecond(Long.parseLong(m.group(1)));
  }

  static Duration since(Instant t) {
    return Duration.between(t, Instant.now());
  }
}
