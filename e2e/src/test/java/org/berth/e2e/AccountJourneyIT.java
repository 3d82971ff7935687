package org.berth.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.options.Cookie;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A new user signs up, signs in, sees the launch form, manages an API token and signs out. */
class AccountJourneyIT {

  @RegisterExtension static final BerthProcess PORTAL = new BerthProcess();
  @RegisterExtension static final BrowserFixture BROWSER = new BrowserFixture();

  private static final String PASSWORD = "sea-shanty-42";
  private static final List<String> LAUNCH_FIELDS =
      List.of("repo", "ref", "name", "memory", "cpus", "idleTimeout", "path", "image");
  private static final List<String> NOT_BUILT_YET =
      List.of("mounts", "collaborators", "public", "credentials");

  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  @Test
  void newUserSignsUpSignsInCreatesATokenAndSignsOut(Page page, BrowserContext context)
      throws Exception {
    String user = Accounts.uniqueUserName("ada");

    // Sign up: it lands signed in on the launch form, with every field of a launch, and shows
    // who is signed in. Fields of features not built yet are not there to be filled in.
    Accounts.signUp(page, PORTAL, user, PASSWORD);
    assertEquals(PORTAL.url("/"), page.url());
    assertThat(page.locator("#current-user")).hasText(user);
    assertThat(page.locator("#launch-form")).isVisible();
    for (String field : LAUNCH_FIELDS) {
      assertThat(page.locator("#launch-form [name=" + field + "]").first()).isAttached();
    }
    for (String field : NOT_BUILT_YET) {
      assertThat(page.locator("#launch-form [name=" + field + "]")).hasCount(0);
    }

    // Sign out and in again.
    Accounts.signOut(page, PORTAL);
    Accounts.signIn(page, PORTAL, user, PASSWORD);
    assertEquals(PORTAL.url("/"), page.url());
    assertThat(page.locator("#current-user")).hasText(user);
    String sessionCookies = cookieHeader(context);
    assertEquals(200, get("/", sessionCookies).statusCode(), "the session works outside Chromium");

    // Create a token: shown once, and it works against the API.
    page.navigate(PORTAL.url("/account"));
    page.fill("#token-form [name=name]", "laptop");
    page.waitForNavigation(() -> page.click("#token-submit"));
    assertThat(page.locator("#new-token")).isVisible();
    String token = page.locator("#new-token").textContent().strip();
    assertFalse(token.isEmpty(), "the new token is shown");
    HttpResponse<String> me = me(token);
    assertEquals(200, me.statusCode(), me.body());
    assertTrue(
        me.body().replace(" ", "").contains("\"username\":\"" + user + "\""),
        "GET /api/v1/me names the token's owner: " + me.body());

    // Reloading the page neither shows the token again nor creates a second one.
    page.reload();
    assertThat(page.locator("#new-token")).hasCount(0);
    assertFalse(page.content().contains(token), "the token is not shown again");
    Locator laptop =
        page.locator("table#tokens tr.token-row")
            .filter(
                new Locator.FilterOptions()
                    .setHas(page.locator("td.token-name:text-is('laptop')")));
    assertThat(laptop).hasCount(1);

    // Revoke it: the API refuses it from then on.
    page.waitForNavigation(() -> laptop.locator(".revoke-submit").click());
    assertThat(laptop).hasCount(0);
    assertEquals(401, me(token).statusCode(), "a revoked token is refused");

    // Sign out: back to the login page, and the old session cookie is dead.
    page.navigate(PORTAL.url("/"));
    page.waitForNavigation(() -> page.click("#logout-submit"));
    page.navigate(PORTAL.url("/servers"));
    assertEquals(PORTAL.url("/login"), withoutQuery(page.url()));
    assertThat(page.locator("#login-form")).isVisible();
    HttpResponse<String> replay = get("/servers", sessionCookies);
    assertTrue(
        replay.statusCode() == 401
            || (replay.statusCode() / 100 == 3
                && replay.headers().firstValue("Location").orElse("").contains("/login")),
        "the session cookie from before sign-out is refused, got "
            + replay.statusCode()
            + " "
            + replay.headers().map());
  }

  @Test
  void wrongPasswordShowsAnErrorAndDoesNotSignIn(Page page) {
    String user = Accounts.uniqueUserName("bob");
    Accounts.signUp(page, PORTAL, user, PASSWORD);
    Accounts.signOut(page, PORTAL);

    Response response = Accounts.signIn(page, PORTAL, user, "not-" + PASSWORD);

    assertEquals(401, response.status());
    assertThat(page.locator(".error")).containsText("Wrong user name or password");
    assertThat(page.locator("#login-form")).isVisible();
    page.navigate(PORTAL.url("/servers"));
    assertEquals(PORTAL.url("/login"), withoutQuery(page.url()));
  }

  @Test
  void takenUserNameIsRefusedAndTheAccountKeepsItsPassword(Page page) {
    String user = Accounts.uniqueUserName("cy");
    Accounts.signUp(page, PORTAL, user, PASSWORD);

    Accounts.signOut(page, PORTAL);
    Response again = Accounts.signUp(page, PORTAL, user, "other-" + PASSWORD);

    assertTrue(
        again.status() == 409 || again.status() == 400,
        "a taken user name is refused, got " + again.status());
    assertThat(page.locator(".error")).isVisible();
    assertThat(page.locator("#signup-form")).isVisible();
    assertEquals(401, Accounts.signIn(page, PORTAL, user, "other-" + PASSWORD).status());
    Accounts.signIn(page, PORTAL, user, PASSWORD);
    assertThat(page.locator("#current-user")).hasText(user);
  }

  @Test
  void signUpLandsSignedIn(Page page) {
    String user = Accounts.uniqueUserName("dee");
    Response landed = Accounts.signUp(page, PORTAL, user, PASSWORD);

    assertEquals(200, landed.status());
    assertEquals(PORTAL.url("/"), page.url());
    assertThat(page.locator("#current-user")).hasText(user);
    page.navigate(PORTAL.url("/account"));
    assertEquals(PORTAL.url("/account"), page.url(), "no sign-in asked for");
  }

  @Test
  void aDeepLinkSurvivesSignInAndSignUp(Page page, BrowserContext context) {
    String user = Accounts.uniqueUserName("eve");
    Accounts.signUp(page, PORTAL, user, PASSWORD);
    Accounts.signOut(page, PORTAL);

    // A link into Berth, followed while signed out: sign in, then the page asked for.
    page.navigate(PORTAL.url("/servers?stopped=lab"));
    assertEquals(PORTAL.url("/login?next=%2Fservers%3Fstopped%3Dlab"), page.url());
    assertThat(page.locator(".notice")).hasText("Sign in to open that page.");
    page.fill("#login-form [name=username]", user);
    page.fill("#login-form [name=password]", PASSWORD);
    page.waitForNavigation(() -> page.click("#login-submit"));
    assertEquals(PORTAL.url("/servers?stopped=lab"), page.url());
    assertThat(page.locator("h1")).hasText("My servers");

    // The same through sign-up, for someone new.
    Page newcomer = context.browser().newContext().newPage();
    newcomer.navigate(PORTAL.url("/account"));
    newcomer.waitForNavigation(() -> newcomer.click("main a[href^='/signup']"));
    newcomer.fill("#signup-form [name=username]", Accounts.uniqueUserName("fay"));
    newcomer.fill("#signup-form [name=password]", PASSWORD);
    newcomer.waitForNavigation(() -> newcomer.click("#signup-submit"));
    assertEquals(PORTAL.url("/account"), newcomer.url());
    newcomer.context().close();
  }

  private HttpResponse<String> me(String token) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(PORTAL.url("/api/v1/me")))
            .header("Authorization", "Bearer " + token)
            .header("Accept", "application/json")
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path, String cookies)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(PORTAL.url(path)))
            .header("Cookie", cookies)
            .header("Accept", "text/html")
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String cookieHeader(BrowserContext context) {
    List<Cookie> cookies = context.cookies(PORTAL.baseUrl());
    assertFalse(cookies.isEmpty(), "signed in, the browser holds a session cookie");
    return cookies.stream().map(c -> c.name + "=" + c.value).collect(Collectors.joining("; "));
  }

  private static String withoutQuery(String url) {
    int query = url.indexOf('?');
    return query < 0 ? url : url.substring(0, query);
  }
}
