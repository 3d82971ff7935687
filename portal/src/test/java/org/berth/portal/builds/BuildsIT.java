package org.berth.portal.builds;

import static org.berth.portal.support.Accounts.PASSWORD;
import static org.berth.portal.support.Browserless.basic;
import static org.berth.portal.support.Browserless.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.berth.builder.GitServer;
import org.berth.imagecache.testing.TestRegistry;
import org.berth.portal.support.Accounts;
import org.berth.portal.support.Browserless;
import org.berth.portal.support.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Builds through the API from a repository served over a real git:// transport, into a real
 * registry (the class's own), and a server launched from a repository.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BuildsIT implements TestPropertyProvider {

  @RegisterExtension static final TestRegistry REGISTRY = new TestRegistry();

  private static final ObjectMapper JSON = new ObjectMapper();

  @Inject EmbeddedServer portal;

  private final GitServer git = new GitServer();
  private final String instance = "bit" + System.nanoTime();
  private String repo;
  private String token;

  @Override
  public Map<String, String> getProperties() {
    Map<String, String> p = TestDatabases.withRegistry(TestDatabases.postgres(), REGISTRY);
    p.put("berth.sources.allow-hosts", "127.0.0.1");
    p.put("berth.launch.instance-id", instance);
    p.put("berth.launch.default-memory", "256M");
    p.put("berth.binder.keepalive", "100ms");
    return p;
  }

  @BeforeAll
  void repositoryAndUser() throws Exception {
    Path files = Files.createTempDirectory("berth-repo");
    Files.writeString(files.resolve("hello.txt"), "hello from the repository\n");
    Files.writeString(files.resolve("README.md"), "# A repository with no build config\n");
    repo = git.create("notes", files);
    String user = Accounts.signedIn(new Browserless(portal.getURI()), "bld");
    HttpResponse<String> t =
        new Browserless(portal.getURI())
            .json("POST", "/api/v1/tokens", "{\"name\":\"b\"}", basic(user, PASSWORD));
    token = JSON.readTree(t.body()).get("token").asText();
  }

  @AfterAll
  void cleanUp() throws Exception {
    git.close();
    new ProcessBuilder(
            "sh",
            "-c",
            "docker rm -f $(docker ps -aq --filter label=org.berth.instance="
                + instance
                + ") ;"
                + " docker volume rm -f $(docker volume ls -q --filter label=org.berth.instance="
                + instance
                + ")")
        .start()
        .waitFor();
  }

  @Test
  void buildsARepositoryIntoTheRegistryAndLaunchesAServerFromIt() throws Exception {
    HttpResponse<String> started =
        api("POST", "/api/v1/builds", "{\"repo\":\"" + repo + "\",\"ref\":\"main\"}");
    assertEquals(202, started.statusCode(), started.body());
    JsonNode build = JSON.readTree(started.body());
    String id = build.get("id").asText();
    assertTrue(build.get("commit").asText().matches("[0-9a-f]{40}"), started.body());

    JsonNode done = build;
    for (int i = 0; i < 600 && !done.get("status").asText().matches("built|failed"); i++) {
      Thread.sleep(500);
      done = JSON.readTree(api("GET", "/api/v1/builds/" + id, null).body());
    }
    assertEquals("built", done.get("status").asText(), done.toString());
    assertTrue(done.get("image").asText().startsWith(REGISTRY.address() + "/"), done.toString());
    assertTrue(
        done.get("image").asText().endsWith(build.get("commit").asText() + "-r1")
            || done.get("image").asText().contains(build.get("commit").asText()),
        done.toString());

    String events = api("GET", "/api/v1/builds/" + id + "/events", null).body();
    assertTrue(events.contains("event: finished"), events);

    HttpResponse<String> server =
        api("PUT", "/api/v1/servers/notes", "{\"repo\":\"" + repo + "\",\"ref\":\"main\"}");
    assertEquals(201, server.statusCode(), server.body());
    String url = JSON.readTree(server.body()).get("url").asText();
    String serverId = java.net.URI.create(url).getHost().split("\\.")[0];
    Process cat =
        new ProcessBuilder("docker", "exec", "berth-" + serverId, "cat", "/home/jovyan/hello.txt")
            .redirectErrorStream(true)
            .start();
    assertEquals(
        "hello from the repository", new String(cat.getInputStream().readAllBytes()).strip());
  }

  @Test
  void forbiddenSourcesAndUnknownRefsAreRefusedClearly() {
    for (String bad :
        new String[] {
          "file:///etc",
          "ext::sh -c id",
          "ftp://127.0.0.1/x.git",
          "git://169.254.169.254/x.git",
          "--upload-pack=touch"
        }) {
      HttpResponse<String> r =
          api("POST", "/api/v1/builds", "{\"repo\":\"" + bad + "\",\"ref\":\"main\"}");
      assertEquals(400, r.statusCode(), bad + " -> " + r.body());
    }
    HttpResponse<String> unknown =
        api("POST", "/api/v1/builds", "{\"repo\":\"" + repo + "\",\"ref\":\"no-such-branch\"}");
    assertEquals(404, unknown.statusCode(), unknown.body());
    assertTrue(unknown.body().contains("no-such-branch"), unknown.body());
    HttpResponse<String> dash =
        api("POST", "/api/v1/builds", "{\"repo\":\"" + repo + "\",\"ref\":\"-x\"}");
    assertEquals(400, dash.statusCode(), dash.body());
    assertEquals(404, api("GET", "/api/v1/builds/nope", null).statusCode());
  }

  @Test
  void binderClientsBuildAndLaunchThroughBinderHubsApi() throws Exception {
    String spec = "/build/git/" + URLEncoder.encode(repo, StandardCharsets.UTF_8) + "/main";
    HttpResponse<String> stream =
        new Browserless(portal.getURI()).get(spec + "?name=binder-notes", bearer(token));
    assertEquals(200, stream.statusCode(), stream.body());
    assertTrue(
        stream.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
    List<JsonNode> events = dataEvents(stream.body());
    List<String> phases = events.stream().map(e -> e.get("phase").asText()).toList();
    assertTrue(phases.contains("built") && phases.contains("launching"), phases.toString());
    JsonNode ready = events.get(events.size() - 1);
    assertEquals("ready", ready.get("phase").asText(), stream.body());
    assertTrue(stream.body().contains(":keepalive") || stream.body().contains(": keepalive"));
    String url = ready.get("url").asText();
    assertTrue(url.contains("/user/") && url.contains("/binder-notes/"), url);
    assertEquals(
        200,
        org.berth.portal.support.Engine.viaOrigin(url + "api/status", "Bearer " + token)
            .statusCode());

    // build_only stops at the image.
    List<String> buildOnly =
        dataEvents(
                new Browserless(portal.getURI())
                    .get(spec + "?build_only=true", bearer(token))
                    .body())
            .stream()
            .map(e -> e.get("phase").asText())
            .toList();
    assertEquals("built", buildOnly.get(buildOnly.size() - 1), buildOnly.toString());
    assertTrue(!buildOnly.contains("launching"), buildOnly.toString());

    // Refusals are told in the stream, as BinderHub does; nobody anonymous gets in.
    for (String bad :
        new String[] {
          "/build/gh/only-owner",
          "/build/git/" + URLEncoder.encode("file:///etc", StandardCharsets.UTF_8) + "/main",
          "/build/zenodo/10.5281/1",
          "/build/git/" + URLEncoder.encode(repo, StandardCharsets.UTF_8) + "/no-such-ref"
        }) {
      List<JsonNode> failed =
          dataEvents(new Browserless(portal.getURI()).get(bad, bearer(token)).body());
      assertEquals(1, failed.size(), bad + " -> " + failed);
      assertEquals("failed", failed.get(0).get("phase").asText(), bad);
    }
    assertEquals(401, new Browserless(portal.getURI()).get(spec, Map.of()).statusCode());
    Browserless browser = new Browserless(portal.getURI());
    Accounts.signedIn(browser, "xsite");
    List<JsonNode> crossSite =
        dataEvents(
            browser.get(spec + "?name=lured", Map.of("Sec-Fetch-Site", "cross-site")).body());
    assertEquals("failed", crossSite.get(0).get("phase").asText(), crossSite.toString());
  }

  @Test
  void aSharedBuildStopsOnlyWhenEveryoneWhoAskedForItCancels() throws Exception {
    Path files = Files.createTempDirectory("berth-slow");
    Files.writeString(
        files.resolve("Dockerfile"),
        "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nRUN sleep 120 # " + System.nanoTime() + "\n");
    String slow = git.create("slow-" + System.nanoTime(), files);
    String other = tokenOf(Accounts.signedIn(new Browserless(portal.getURI()), "bld2"));
    String stranger = tokenOf(Accounts.signedIn(new Browserless(portal.getURI()), "bld3"));
    String body = "{\"repo\":\"" + slow + "\",\"ref\":\"main\"}";
    JsonNode mine = JSON.readTree(api("POST", "/api/v1/builds", body).body());
    JsonNode theirs =
        JSON.readTree(
            new Browserless(portal.getURI())
                .json("POST", "/api/v1/builds", body, bearer(other))
                .body());
    String id = mine.get("id").asText();
    assertEquals(id, theirs.get("id").asText(), "identical requests share one build");
    String cancel = "/api/v1/builds/" + id + "/cancel";

    assertEquals(
        403,
        new Browserless(portal.getURI()).json("POST", cancel, null, bearer(stranger)).statusCode());
    HttpResponse<String> withdrawn = api("POST", cancel, null);
    assertEquals(202, withdrawn.statusCode(), withdrawn.body());
    assertTrue(withdrawn.body().contains("withdrawn"), withdrawn.body());
    assertEquals(
        "running",
        JSON.readTree(api("GET", "/api/v1/builds/" + id, null).body())
            .get("status")
            .asText()
            .replace("queued", "running"));
    HttpResponse<String> stopped =
        new Browserless(portal.getURI()).json("POST", cancel, null, bearer(other));
    assertTrue(stopped.body().contains("stopped"), stopped.body());

    JsonNode done = JSON.readTree(api("GET", "/api/v1/builds/" + id, null).body());
    for (int i = 0; i < 120 && done.get("status").asText().matches("running|queued"); i++) {
      Thread.sleep(250);
      done = JSON.readTree(api("GET", "/api/v1/builds/" + id, null).body());
    }
    assertEquals("cancelled", done.get("status").asText(), done.toString());
    org.berth.imagecache.ImageRef image =
        org.berth.imagecache.ImageRef.parse(done.get("image").asText());
    HttpResponse<String> manifest =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(
                            "http://"
                                + image.registry()
                                + "/v2/"
                                + image.repository()
                                + "/manifests/"
                                + image.tag()))
                    .method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(404, manifest.statusCode(), "a cancelled build pushes nothing");
  }

  private String tokenOf(String user) throws Exception {
    HttpResponse<String> t =
        new Browserless(portal.getURI())
            .json("POST", "/api/v1/tokens", "{\"name\":\"b\"}", basic(user, PASSWORD));
    return JSON.readTree(t.body()).get("token").asText();
  }

  /** The JSON of each {@code data:} line of an event stream. */
  private static List<JsonNode> dataEvents(String body) throws Exception {
    List<JsonNode> out = new java.util.ArrayList<>();
    for (String line : body.split("\n")) {
      if (line.startsWith("data:")) {
        String data = line.substring(5).strip();
        assertTrue(!data.isEmpty(), "no empty data lines: " + body);
        out.add(JSON.readTree(data));
      }
    }
    return out;
  }

  private HttpResponse<String> api(String method, String path, String body) {
    return new Browserless(portal.getURI()).json(method, path, body, bearer(token));
  }
}
