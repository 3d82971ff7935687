package org.berth.portal.web;

import static org.berth.portal.support.Engine.viaOriginWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.berth.builder.GitServer;
import org.berth.imagecache.testing.TestRegistry;
import org.berth.portal.support.Accounts;
import org.berth.portal.support.Browserless;
import org.berth.portal.support.Engine;
import org.berth.portal.support.TestDatabases;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Launch links through the real pages: Binder links and full-spec links show the security
 * confirmation and start nothing until its POST; the launch builds the repository (served on
 * loopback) and opens at the link's path; what is refused (no CSRF token, a tampered link, a stale
 * confirmation, a sign-in that would leave Berth) is refused; and what a link carries is escaped
 * wherever it is shown. State in the real PostgreSQL, servers on the real engine.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LaunchLinksIT implements TestPropertyProvider {

  @RegisterExtension static final TestRegistry REGISTRY = new TestRegistry();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern INPUT = Pattern.compile("<input([^>]*)>");
  private static final Pattern ATTRIBUTE = Pattern.compile("(\\w[\\w-]*)=\"([^\"]*)\"");

  @Inject EmbeddedServer portal;

  private final GitServer git = new GitServer();
  private final String instance = Engine.newInstance("lnk");
  private String repo;
  private String commit;

  @Override
  public Map<String, String> getProperties() {
    Map<String, String> p = TestDatabases.postgresWithLauncher(instance, REGISTRY);
    p.put("berth.sources.allow-hosts", "127.0.0.1");
    // The link corpus names public hosts; refused by name, before any lookup, so that nothing
    // leaves this machine (and the outcome does not depend on whether it could).
    p.put("berth.sources.deny-hosts", "github.com,gitlab.com,gist.github.com,codeberg.org");
    return p;
  }

  @BeforeAll
  void repository() throws Exception {
    Path files = Files.createTempDirectory("berth-links-repo");
    Files.createDirectories(files.resolve("notes"));
    Files.writeString(files.resolve("notes/a b.txt"), "opened from a link\n");
    Files.writeString(files.resolve("README.md"), "# Field notes\n");
    repo = git.create("field-notes", files);
    try (Git g = Git.open(git.workTree(repo).toFile())) {
      commit = g.getRepository().resolve("HEAD").name();
    }
  }

  @AfterAll
  void cleanUp() throws Exception {
    git.close();
    Engine.removeInstance(instance);
  }

  private Browserless browser() {
    return new Browserless(portal.getURI());
  }

  private String link(String ref, String query) {
    return "/v2/git/" + URLEncoder.encode(repo, StandardCharsets.UTF_8) + "/" + ref + query;
  }

  @Test
  void aBinderLinkShowsWhatWouldRunAndItsGetStartsNothing() throws Exception {
    Browserless alice = browser();
    Accounts.signedIn(alice, "ali");
    String path = link("main/", "?filepath=notes%2Fa%20b.txt");
    HttpResponse<String> page = alice.get(path);
    assertEquals(200, page.statusCode(), page.body());
    String html = page.body();
    assertEquals(repo, text(html, "confirm-repo"));
    assertEquals("main", text(html, "confirm-ref"));
    assertEquals(commit, text(html, "confirm-commit"));
    assertEquals("field-notes", text(html, "confirm-server"));
    assertEquals("tree/notes/a b.txt", text(html, "confirm-path"));
    assertTrue(html.contains("your home (read-write)"), html);
    assertTrue(html.contains("id=\"confirm-risks\""), html);
    assertTrue(html.contains("Nobody else: only you can open this server."), html);
    // The permanent link is pinned to the resolved commit, and keeps the path to open.
    assertTrue(
        value(html, "confirm-share-permanent")
            .endsWith(link(commit, "?urlpath=tree%2Fnotes%2Fa%20b.txt")),
        html);
    Map<String, String> posted = hiddenFields(html, "confirm-launch-form");
    assertEquals("link", posted.get("from"));
    assertTrue(posted.get("permissions").matches("[0-9a-f]{64}"), posted.toString());

    // Following the link (any number of times) started nothing.
    alice.get(path);
    assertEquals("[]", alice.get("/api/v1/servers").body().replaceAll("\\s", ""));
    assertEquals(404, alice.get("/servers/field-notes").statusCode());
    assertEquals(404, alice.get("/servers/field-notes/launching").statusCode());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/v2/gh/binder-examples/requirements/main?urlpath=lab|https://github.com/binder-examples/requirements|main|lab",
        "/v2/gh/owner/repo/feature/with/slashes/?labpath=notebooks%2Fa%20b.ipynb|https://github.com/owner/repo|feature/with/slashes|tree/notebooks/a b.ipynb",
        "/v2/gl/group%2Fsub%2Fproject/v2|https://gitlab.com/group/sub/project|v2|",
        "/v2/gist/someone/8d4c1a/abc123?filepath=index.ipynb|https://gist.github.com/someone/8d4c1a.git|abc123|tree/index.ipynb",
        "/v2/git/https%3A%2F%2Fcodeberg.org%2Fowner%2Frepo.git/a%20tag|https://codeberg.org/owner/repo.git|a tag|",
      })
  void everyLinkShapeShowsItsRepositoryRefAndPath(String row) {
    String[] parts = row.split("\\|", -1);
    Browserless bob = browser();
    Accounts.signedIn(bob, "bob");
    HttpResponse<String> page = bob.get(parts[0]);
    assertEquals(200, page.statusCode(), page.body());
    assertEquals(parts[1], text(page.body(), "confirm-repo"));
    assertEquals(parts[2], text(page.body(), "confirm-ref"));
    if (parts[3].isEmpty()) {
      assertFalse(page.body().contains("id=\"confirm-path\""));
    } else {
      assertEquals(parts[3], text(page.body(), "confirm-path"));
    }
    // These hosts are refused here: the page says so instead of a commit.
    assertTrue(page.body().contains("id=\"confirm-resolve-error\""), page.body());
  }

  @Test
  void aLinkFollowedWhileSignedOutComesBackAfterSignIn() {
    String name = Accounts.uniqueName("cat");
    Accounts.signUp(browser(), name);
    Browserless visitor = browser();
    String path = link("main", "?urlpath=tree%2Fnotes");
    HttpResponse<String> away = visitor.get(path);
    assertEquals(303, away.statusCode());
    String location = away.headers().firstValue("Location").orElseThrow();
    assertTrue(location.startsWith("/login?next="), location);
    String next = URLDecoder.decode(location.substring("/login?next=".length()), UTF8);
    assertEquals(path, next);
    HttpResponse<String> signIn =
        visitor.submit(
            location,
            "/login",
            Map.of("username", name, "password", Accounts.PASSWORD, "next", next));
    assertEquals(303, signIn.statusCode(), signIn.body());
    assertEquals(path, signIn.headers().firstValue("Location").orElseThrow());
    HttpResponse<String> back = visitor.get(path);
    assertEquals(200, back.statusCode());
    assertEquals("tree/notes", text(back.body(), "confirm-path"));
  }

  private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "//evil.example",
        "https://evil.example",
        "/\\evil",
        "/\t/evil.example",
        "http:evil.example"
      })
  void signInNeverLeavesBerth(String next) {
    String name = Accounts.uniqueName("eve");
    Accounts.signUp(browser(), name);
    Browserless b = browser();
    HttpResponse<String> form = b.get("/login?next=" + URLEncoder.encode(next, UTF8));
    assertFalse(form.body().contains("evil"), form.body());
    HttpResponse<String> r =
        b.submit(
            "/login",
            "/login",
            Map.of("username", name, "password", Accounts.PASSWORD, "next", next));
    assertEquals(303, r.statusCode());
    assertEquals("/", r.headers().firstValue("Location").orElseThrow());
  }

  @Test
  void aLaunchWithoutThePagesTokenIsRefusedAndStartsNothing() {
    Browserless dan = browser();
    Accounts.signedIn(dan, "dan");
    Map<String, String> posted =
        hiddenFields(dan.get(link("main", "")).body(), "confirm-launch-form");
    posted.remove("_csrf");
    HttpResponse<String> none = dan.postForm("/launch", posted);
    assertEquals(403, none.statusCode(), none.body());
    posted.put("_csrf", "forged-" + "x".repeat(30));
    assertEquals(403, dan.postForm("/launch", posted).statusCode());
    // A GET to the launch URL is no launch either.
    assertTrue(
        dan.get("/launch?repo=" + URLEncoder.encode(repo, UTF8) + "&name=x").statusCode() >= 400);
    assertEquals("[]", dan.get("/api/v1/servers").body().replaceAll("\\s", ""));
  }

  @Test
  void aConfirmationFromBeforeAChangeAsksAgain() {
    Browserless erin = browser();
    Accounts.signedIn(erin, "eri");
    Map<String, String> posted =
        hiddenFields(erin.get(link("main", "")).body(), "confirm-launch-form");
    posted.put("permissions", "0".repeat(64));
    HttpResponse<String> again = erin.postForm("/launch", posted);
    assertEquals(409, again.statusCode(), again.body());
    assertTrue(again.body().contains("id=\"confirm-notice\""), again.body());
    posted.remove("permissions");
    assertEquals(409, erin.postForm("/launch", posted).statusCode(), "no hash, no launch");
    assertEquals("[]", erin.get("/api/v1/servers").body().replaceAll("\\s", ""));
  }

  @Test
  void launchingFromTheLinkBuildsStartsAndOpensAtItsPath() throws Exception {
    Browserless fay = browser();
    String user = Accounts.signedIn(fay, "fay");
    String page = fay.get(link("main", "?filepath=notes%2Fa%20b.txt")).body();
    HttpResponse<String> building =
        fay.postForm("/launch", hiddenFields(page, "confirm-launch-form"));
    assertTrue(building.statusCode() == 202 || building.statusCode() == 303, building.body());
    HttpResponse<String> launched = building;
    if (building.statusCode() == 202) {
      String buildId = attribute(building.body(), "data-build-id");
      awaitBuilt(fay, buildId);
      launched = fay.postForm("/launch", hiddenFields(building.body(), "continue-form"));
    }
    assertEquals(303, launched.statusCode(), launched.body());
    String launching = launched.headers().firstValue("Location").orElseThrow();
    assertTrue(launching.startsWith("/servers/field-notes/launching?"), launching);
    assertTrue(launching.contains("urlPath=tree%2Fnotes%2Fa+b.txt"), launching);

    String launchingPage = fay.get(launching).body();
    String open = attributeOf(launchingPage, "open-link", "href");
    assertEquals("/servers/field-notes/open?urlpath=tree%2Fnotes%2Fa+b.txt", open);
    awaitRunning(fay, "field-notes");

    HttpResponse<String> handoff = fay.get(open);
    assertEquals(303, handoff.statusCode());
    URI into = URI.create(handoff.headers().firstValue("Location").orElseThrow());
    String nextOnOrigin = URLDecoder.decode(into.getRawQuery().replaceAll(".*next=", ""), UTF8);
    assertEquals("/user/" + user + "/field-notes/tree/notes/a%20b.txt", nextOnOrigin);
    HttpResponse<String> signedIntoOrigin = viaOriginWith(into.toString(), Map.of());
    assertEquals(303, signedIntoOrigin.statusCode());
    String cookie = signedIntoOrigin.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
    String origin = into.getScheme() + "://" + into.getRawAuthority();
    HttpResponse<String> file =
        viaOriginWith(
            origin + "/user/" + user + "/field-notes/api/contents/notes/a%20b.txt",
            Map.of("Cookie", cookie));
    assertEquals(200, file.statusCode(), file.body());
    assertTrue(file.body().contains("opened from a link"), file.body());

    // The server's page offers its links and badge, pinned to the commit it runs.
    String serverPage = fay.get("/servers/field-notes").body();
    assertTrue(value(serverPage, "server-share-link").endsWith(link("main", "")), serverPage);
    assertTrue(value(serverPage, "server-share-permanent").endsWith(link(commit, "")), serverPage);
    assertTrue(
        text(serverPage, "server-share-markdown").startsWith("[![Launch on Berth](http"),
        serverPage);
    String buildPage = fay.get(attributeOf(serverPage, "build-link", "href")).body();
    assertTrue(buildPage.contains("id=\"build-share-markdown\""), buildPage);
  }

  @Test
  void aFullSpecLinkLaunchesExactlyItsSpecAndCannotBeTamperedWith() throws Exception {
    Browserless gus = browser();
    String user = Accounts.signedIn(gus, "gus");
    String csrf = Browserless.csrfIn(gus.get("/").body());
    HttpResponse<String> volume =
        gus.json("POST", "/api/v1/volumes", "{\"name\":\"shared\"}", Map.of("X-CSRF-Token", csrf));
    assertEquals(201, volume.statusCode(), volume.body());
    HttpResponse<String> saved =
        gus.json(
            "POST",
            "/api/v1/links",
            "{\"name\":\"course\",\"repo\":\""
                + repo
                + "\",\"ref\":\"main\",\"memory\":\"256M\",\"path\":\"notes\",\"mounts\":[{\"target\":\"/srv/shared\",\"volume\":\"shared\",\"mode\":\"rw\"}]}",
            Map.of("X-CSRF-Token", csrf));
    assertEquals(201, saved.statusCode(), saved.body());
    JsonNode link = JSON.readTree(saved.body());
    String id = link.get("id").asText();
    assertTrue(id.matches("[A-Za-z0-9_-]{24}"), id);
    assertTrue(link.get("url").asText().endsWith("/launch/" + id));

    // Whatever the query says, the page shows the saved spec.
    Browserless hal = browser();
    Accounts.signedIn(hal, "hal");
    String page =
        hal.get("/launch/" + id + "?repo=https%3A%2F%2Fevil.example%2Fx.git&name=evil&path=x")
            .body();
    assertEquals(repo, text(page, "confirm-repo"));
    assertEquals("course", text(page, "confirm-server"));
    assertEquals("tree/notes", text(page, "confirm-path"));
    assertTrue(page.contains("/srv/shared ← " + user + "/shared (read-write)"), page);
    assertFalse(page.contains("evil"), page);
    Map<String, String> posted = hiddenFields(page, "confirm-launch-form");
    assertEquals(id, posted.get("savedLink"));
    assertFalse(posted.containsKey("repo"), "the spec is read again from the store: " + posted);

    // A tampered id is a 404 page, by GET or by POST.
    String tampered = (id.charAt(0) == 'A' ? 'B' : 'A') + id.substring(1);
    assertEquals(404, hal.get("/launch/" + tampered).statusCode());
    assertEquals(404, hal.get("/launch/" + id + "x").statusCode());
    Map<String, String> forged = new LinkedHashMap<>(posted);
    forged.put("savedLink", tampered);
    assertEquals(404, hal.postForm("/launch", forged).statusCode());

    // Posting other values with the real id changes nothing: the saved spec is what launches
    // (its repository is built, for the server named in the link).
    Map<String, String> withOthers = new LinkedHashMap<>(posted);
    withOthers.put("repo", "https://evil.example/x.git");
    withOthers.put("name", "evil");
    HttpResponse<String> launched = hal.postForm("/launch", withOthers);
    assertFalse(launched.body().contains("evil"), launched.body());
    if (launched.statusCode() == 202) {
      Map<String, String> continued = hiddenFields(launched.body(), "continue-form");
      assertEquals(repo, continued.get("repo"));
      assertEquals("course", continued.get("name"));
      assertEquals("256M", continued.get("memory"));
    }
    assertEquals(404, hal.get("/servers/evil").statusCode());
  }

  @Test
  void dontAskAgainHoldsUntilThePermissionsChange() throws Exception {
    Browserless ida = browser();
    Accounts.signedIn(ida, "ida");
    String csrf = Browserless.csrfIn(ida.get("/").body());
    ida.json("POST", "/api/v1/volumes", "{\"name\":\"work\"}", Map.of("X-CSRF-Token", csrf));
    ida.json("POST", "/api/v1/volumes", "{\"name\":\"more\"}", Map.of("X-CSRF-Token", csrf));
    String one =
        saveLink(ida, csrf, "trusting", "[{\"target\":\"/srv/work\",\"volume\":\"work\"}]");
    String page = ida.get("/launch/" + one).body();
    assertFalse(page.contains("id=\"confirm-trusted\""), page);
    Map<String, String> posted = hiddenFields(page, "confirm-launch-form");
    posted.put("trust", "true");
    HttpResponse<String> launched = ida.postForm("/launch", posted);
    assertTrue(launched.statusCode() == 202 || launched.statusCode() == 303, launched.body());

    // Remembered: the page says so, and a launch of that spec no longer asks.
    assertTrue(ida.get("/launch/" + one).body().contains("id=\"confirm-trusted\""));
    Map<String, String> plain = new LinkedHashMap<>();
    plain.put("savedLink", one);
    plain.put("_csrf", csrf);
    int status = ida.postForm("/launch", plain).statusCode();
    assertTrue(status == 202 || status == 303, "asked again: " + status);

    // One more mount is new permission: asked again.
    String two =
        saveLink(
            ida,
            csrf,
            "trusting",
            "[{\"target\":\"/srv/work\",\"volume\":\"work\"},{\"target\":\"/srv/more\",\"volume\":\"more\"}]");
    assertFalse(ida.get("/launch/" + two).body().contains("id=\"confirm-trusted\""));
    plain.put("savedLink", two);
    assertEquals(409, ida.postForm("/launch", plain).statusCode());
  }

  @Test
  void aFormLaunchWithAWritableMountAsksFirst() {
    Browserless lou = browser();
    Accounts.signedIn(lou, "lou");
    String csrf = Browserless.csrfIn(lou.get("/").body());
    lou.json("POST", "/api/v1/volumes", "{\"name\":\"data\"}", Map.of("X-CSRF-Token", csrf));
    Map<String, String> form = new LinkedHashMap<>();
    form.put("_csrf", csrf);
    form.put("name", "writer");
    form.put("memory", "256M");
    form.put("mount-target-0", "/home/jovyan/data");
    form.put("mount-volume-0", "data");
    form.put("mount-mode-0", "ro");
    HttpResponse<String> readOnly = lou.postForm("/launch", new LinkedHashMap<>(form));
    assertEquals(303, readOnly.statusCode(), "a read-only mount asks nothing: " + readOnly.body());
    form.put("name", "writer2");
    form.put("mount-mode-0", "rw");
    HttpResponse<String> asked = lou.postForm("/launch", form);
    assertEquals(409, asked.statusCode(), asked.body());
    assertTrue(asked.body().contains("/home/jovyan/data ← data (read-write)"), asked.body());
    assertEquals(404, lou.get("/servers/writer2").statusCode(), "nothing started");
    Map<String, String> confirmed = hiddenFields(asked.body(), "confirm-launch-form");
    assertEquals("rw", confirmed.get("mount-mode-0"));
    HttpResponse<String> launched = lou.postForm("/launch", confirmed);
    assertEquals(303, launched.statusCode(), launched.body());
    assertTrue(
        launched
            .headers()
            .firstValue("Location")
            .orElseThrow()
            .startsWith("/servers/writer2/launching"));
    // Edit keeps the mount on the form.
    String edit = attributeOf(asked.body(), "edit-link", "href");
    assertTrue(edit.contains("mount-mode-0=rw"), edit);
  }

  private String saveLink(Browserless b, String csrf, String name, String mounts) throws Exception {
    HttpResponse<String> r =
        b.json(
            "POST",
            "/api/v1/links",
            "{\"name\":\""
                + name
                + "\",\"repo\":\""
                + repo
                + "\",\"ref\":\"main\",\"mounts\":"
                + mounts
                + "}",
            Map.of("X-CSRF-Token", csrf));
    assertEquals(201, r.statusCode(), r.body());
    return JSON.readTree(r.body()).get("id").asText();
  }

  @Test
  void htmlInRepositoriesPathsAndNamesIsShownAsText() {
    Browserless jo = browser();
    Accounts.signedIn(jo, "jo");
    String evilRepo = "http://127.0.0.1:1/<script>alert(1)</script>\"'.git";
    String path =
        "/v2/git/"
            + URLEncoder.encode(evilRepo, UTF8)
            + "/%3Cb%3Eref%3C%2Fb%3E?urlpath="
            + URLEncoder.encode("tree/<img src=x onerror=alert(2)>\"", UTF8);
    HttpResponse<String> page = jo.get(path);
    assertEquals(200, page.statusCode(), page.body());
    String html = page.body();
    assertFalse(html.contains("<script>alert(1)"), html);
    assertFalse(html.contains("<img src=x"), html);
    assertFalse(html.contains("<b>ref"), html);
    assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), html);
    assertEquals(evilRepo, text(html, "confirm-repo"));
    assertEquals("tree/<img src=x onerror=alert(2)>\"", text(html, "confirm-path"));
    assertEquals(evilRepo, hiddenFields(html, "confirm-launch-form").get("repo"));

    HttpResponse<String> generated = jo.get("/links?link=" + URLEncoder.encode(evilRepo, UTF8));
    assertFalse(generated.body().contains("<script>alert(1)"), generated.body());
    HttpResponse<String> front =
        browser().get("/go?link=" + URLEncoder.encode("<script>x</script>", UTF8));
    assertEquals(400, front.statusCode());
    assertFalse(front.body().contains("<script>x"), front.body());
  }

  @Test
  void theBadgeIsServedWhereMybinderOrgServesIt() {
    for (String path : List.of("/badge_logo.svg", "/badge.svg")) {
      HttpResponse<String> badge = browser().get(path);
      assertEquals(200, badge.statusCode(), path);
      assertEquals("image/svg+xml", badge.headers().firstValue("Content-Type").orElse(""));
      assertTrue(badge.body().startsWith("<svg"), badge.body());
    }
  }

  @Test
  void theFrontPageTakesAPastedLinkToItsConfirmation() {
    HttpResponse<String> front = browser().get("/");
    assertEquals(200, front.statusCode(), front.body());
    assertTrue(front.body().contains("id=\"go-form\""), front.body());
    HttpResponse<String> go =
        browser()
            .get(
                "/go?link="
                    + URLEncoder.encode("https://mybinder.org/v2/gh/o/r/main?urlpath=lab", UTF8));
    assertEquals(303, go.statusCode());
    assertEquals("/v2/gh/o/r/main?urlpath=lab", go.headers().firstValue("Location").orElseThrow());
    HttpResponse<String> repoUrl = browser().get("/go?link=" + URLEncoder.encode(repo, UTF8));
    assertEquals(link("HEAD", ""), repoUrl.headers().firstValue("Location").orElseThrow());
    // Anonymous /build stays closed unless the operator opens it.
    assertEquals(
        401, browser().get("/build/git/" + URLEncoder.encode(repo, UTF8) + "/main").statusCode());
  }

  @Test
  void theGeneratorTurnsABinderLinkIntoBerthsLinksAndBadge() {
    HttpResponse<String> anonymous =
        browser()
            .get(
                "/links?link="
                    + URLEncoder.encode(
                        "https://mybinder.org" + link("main", "?labpath=a.ipynb"), UTF8));
    assertEquals(200, anonymous.statusCode(), anonymous.body());
    assertTrue(
        value(anonymous.body(), "links-share-link")
            .endsWith(link("main", "?urlpath=tree%2Fa.ipynb")));
    assertTrue(anonymous.body().contains("id=\"links-sign-in\""));
    Browserless kim = browser();
    Accounts.signedIn(kim, "kim");
    String html = kim.get("/links?link=" + URLEncoder.encode(repo, UTF8) + "&open=notes").body();
    assertEquals(commit, text(html, "links-commit"));
    assertTrue(
        value(html, "links-share-permanent").endsWith(link(commit, "?urlpath=tree%2Fnotes")), html);
    assertTrue(text(html, "links-share-html").startsWith("<a href=\"http"), html);
  }

  // --- helpers ---

  private static void awaitBuilt(Browserless b, String buildId) throws Exception {
    for (int i = 0; i < 600; i++) {
      JsonNode build = JSON.readTree(b.get("/api/v1/builds/" + buildId).body());
      String status = build.get("status").asText();
      if (status.equals("built")) {
        return;
      }
      assertFalse(status.equals("failed") || status.equals("cancelled"), build.toString());
      Thread.sleep(500);
    }
    throw new AssertionError("build " + buildId + " did not finish");
  }

  private static void awaitRunning(Browserless b, String name) throws Exception {
    for (int i = 0; i < 240; i++) {
      HttpResponse<String> r = b.get("/api/v1/servers/" + name);
      if (r.statusCode() == 200) {
        String state = JSON.readTree(r.body()).get("state").asText();
        if (state.equals("RUNNING")) {
          return;
        }
        assertFalse(state.equals("FAILED"), r.body());
      }
      Thread.sleep(500);
    }
    throw new AssertionError(name + " did not start");
  }

  /** The text of the element with this id (no nested elements), unescaped. */
  static String text(String html, String id) {
    Matcher m = Pattern.compile("id=\"" + id + "\"[^>]*>([^<]*)<").matcher(html);
    if (!m.find()) {
      throw new AssertionError("no #" + id + " in:\n" + html);
    }
    return unescape(m.group(1));
  }

  /** The value attribute of the input with this id, unescaped. */
  static String value(String html, String id) {
    return attributeOf(html, id, "value");
  }

  static String attributeOf(String html, String id, String attribute) {
    Matcher m = INPUT_OR_TAG.matcher(html);
    while (m.find()) {
      Map<String, String> attributes = attributes(m.group(1));
      if (id.equals(attributes.get("id"))) {
        if (!attributes.containsKey(attribute)) {
          throw new AssertionError("#" + id + " has no " + attribute);
        }
        return attributes.get(attribute);
      }
    }
    throw new AssertionError("no #" + id + " in:\n" + html);
  }

  private static final Pattern INPUT_OR_TAG = Pattern.compile("<[a-z]+([^>]*)>");

  static String attribute(String html, String name) {
    Matcher m = Pattern.compile(name + "=\"([^\"]*)\"").matcher(html);
    if (!m.find()) {
      throw new AssertionError("no " + name + " in:\n" + html);
    }
    return unescape(m.group(1));
  }

  /** The hidden fields of a form, by name, unescaped. */
  static Map<String, String> hiddenFields(String html, String formId) {
    int start = html.indexOf("id=\"" + formId + "\"");
    if (start < 0) {
      throw new AssertionError("no form #" + formId + " in:\n" + html);
    }
    String form = html.substring(start, html.indexOf("</form>", start));
    Map<String, String> fields = new LinkedHashMap<>();
    Matcher m = INPUT.matcher(form);
    while (m.find()) {
      Map<String, String> a = attributes(m.group(1));
      if ("hidden".equals(a.get("type")) && a.containsKey("name")) {
        fields.put(a.get("name"), a.getOrDefault("value", ""));
      }
    }
    return fields;
  }

  private static Map<String, String> attributes(String tag) {
    Map<String, String> out = new LinkedHashMap<>();
    Matcher m = ATTRIBUTE.matcher(tag);
    while (m.find()) {
      out.put(m.group(1), unescape(m.group(2)));
    }
    return out;
  }

  private static String unescape(String s) {
    return s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&");
  }
}
