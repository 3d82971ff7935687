package org.berth.portal.servers;

import static org.berth.portal.support.Engine.viaOriginWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.berth.builder.GitServer;
import org.berth.imagecache.testing.TestRegistry;
import org.berth.portal.support.Engine;
import org.berth.portal.support.TestDatabases;
import org.berth.sharing.Visits;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Binder clients without an account, where the operator allows them: {@code GET /build/...} with no
 * credentials builds the repository (served on loopback) and starts a visitor's temporary server;
 * its {@code ready} carries the server's URL and a token that admits to that server alone; CORS is
 * answered as BinderHub answers it. Real engine, registry and PostgreSQL.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BinderVisitorsIT implements TestPropertyProvider {

  @RegisterExtension static final TestRegistry REGISTRY = new TestRegistry();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PAGE_ORIGIN = "http://127.0.0.1:9";

  @Inject EmbeddedServer portal;
  @Inject Visits visits;

  private final GitServer git = new GitServer();
  private final String instance = Engine.newInstance("bvi");
  private final HttpClient http = HttpClient.newHttpClient();
  private String spec;

  @Override
  public Map<String, String> getProperties() {
    Map<String, String> p = TestDatabases.postgresWithLauncher(instance, REGISTRY);
    p.put("berth.sources.allow-hosts", "127.0.0.1");
    p.put("berth.binder.anonymous", "true");
    p.put("berth.binder.keepalive", "200ms");
    p.put("berth.visits.max-per-link", "2");
    return p;
  }

  @BeforeAll
  void repository() throws Exception {
    Path files = Files.createTempDirectory("berth-binder-visit");
    Files.writeString(files.resolve("hello.txt"), "hello, visitor\n");
    String repo = git.create("visit-me", files);
    spec = "/build/git/" + URLEncoder.encode(repo, StandardCharsets.UTF_8) + "/main";
  }

  @AfterAll
  void cleanUp() throws Exception {
    git.close();
    Engine.removeInstance(instance);
  }

  @Test
  void aClientWithoutAnAccountGetsAVisitAndAKeyToItAlone() throws Exception {
    HttpResponse<String> stream = build(Map.of("Origin", PAGE_ORIGIN));
    assertEquals(200, stream.statusCode(), stream.body());
    assertEquals("*", stream.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
    List<JsonNode> events = dataEvents(stream.body());
    List<String> phases = events.stream().map(e -> e.get("phase").asText()).toList();
    assertTrue(phases.contains("built") && phases.contains("launching"), phases.toString());
    JsonNode ready = events.get(events.size() - 1);
    assertEquals("ready", ready.get("phase").asText(), stream.body());
    String url = ready.get("url").asText();
    String token = ready.get("token").asText();
    URI uri = URI.create(url);
    String visitId = uri.getHost().split("\\.")[0];
    assertEquals("/visit/" + visitId + "/", uri.getPath());
    assertTrue(token.length() >= 32, token);
    assertTrue(visits.find(visitId).isPresent(), "a visit, not a user's server");

    // The token opens the visit, from a page of another site, as a header or in the URL.
    HttpResponse<String> status =
        viaOriginWith(
            url + "api/contents/hello.txt",
            Map.of("Authorization", "token " + token, "Origin", PAGE_ORIGIN));
    assertEquals(200, status.statusCode(), status.body());
    assertTrue(status.body().contains("hello, visitor"), status.body());
    assertEquals("*", status.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
    assertFalse(status.body().contains(token), "the token is never echoed back");
    assertEquals(
        200,
        viaOriginWith(url + "api/status?token=" + token, Map.of("Origin", PAGE_ORIGIN))
            .statusCode());
    // A preflight is answered for the page.
    HttpResponse<String> preflight =
        send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + uri.getPort() + uri.getPath() + "api/kernels"))
                .header("Host", uri.getHost() + ":" + uri.getPort())
                .header("Origin", PAGE_ORIGIN)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
    assertEquals(204, preflight.statusCode());
    assertEquals("*", preflight.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
    assertTrue(
        preflight
            .headers()
            .firstValue("Access-Control-Allow-Headers")
            .orElse("")
            .contains("Authorization"));

    // Without it, or with another, nothing.
    assertEquals(404, viaOriginWith(url + "api/status", Map.of()).statusCode());
    assertEquals(
        404,
        viaOriginWith(url + "api/status", Map.of("Authorization", "token " + "0".repeat(48)))
            .statusCode());
    assertEquals(
        403,
        viaOriginWith(url + "api/status", Map.of("Origin", PAGE_ORIGIN)).statusCode(),
        "a page of another site without the token is refused as cross-site");

    // A second client gets a visit of its own; neither token opens the other's.
    JsonNode other = last(dataEvents(build(Map.of()).body()));
    assertEquals("ready", other.get("phase").asText(), other.toString());
    String otherUrl = other.get("url").asText();
    assertNotEquals(url, otherUrl);
    assertEquals(
        404,
        viaOriginWith(otherUrl + "api/status", Map.of("Authorization", "token " + token))
            .statusCode());
    assertEquals(
        404,
        viaOriginWith(
                url + "api/status", Map.of("Authorization", "token " + other.get("token").asText()))
            .statusCode());

    // Past the cap for this repository, the stream says it is busy.
    JsonNode third = last(dataEvents(build(Map.of()).body()));
    assertEquals("failed", third.get("phase").asText(), third.toString());
    assertTrue(third.get("message").asText().contains("busy"), third.toString());

    // When the visit ends, its token opens nothing.
    visits.end(visitId);
    assertEquals(
        404,
        viaOriginWith(url + "api/status", Map.of("Authorization", "token " + token)).statusCode());
    visits.end(URI.create(otherUrl).getHost().split("\\.")[0]);
  }

  @Test
  void buildAnswersCorsPreflights() throws Exception {
    HttpResponse<String> preflight =
        send(
            HttpRequest.newBuilder(portal.getURI().resolve(spec))
                .header("Origin", PAGE_ORIGIN)
                .header("Access-Control-Request-Method", "GET")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
    assertTrue(preflight.statusCode() < 300, preflight.statusCode() + " " + preflight.body());
    assertEquals("*", preflight.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
    assertTrue(
        preflight.headers().firstValue("Access-Control-Allow-Methods").orElse("").contains("GET"));
  }

  private HttpResponse<String> build(Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(portal.getURI().resolve(spec));
    headers.forEach(b::header);
    return send(b);
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode last(List<JsonNode> events) {
    return events.get(events.size() - 1);
  }

  private static List<JsonNode> dataEvents(String body) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String line : body.split("\n")) {
      if (line.startsWith("data:")) {
        String data = line.substring(5).strip();
        if (!data.isEmpty()) {
          out.add(JSON.readTree(data));
        }
      }
    }
    return out;
  }
}
