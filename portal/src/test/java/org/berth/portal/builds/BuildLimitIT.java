package org.berth.portal.builds;

import static org.berth.portal.support.Accounts.PASSWORD;
import static org.berth.portal.support.Browserless.basic;
import static org.berth.portal.support.Browserless.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * One user may have only so many builds waiting or running ({@code
 * berth.builder.max-builds-per-user}); more are refused with 429 and {@code Retry-After}. Real git
 * server, real engine: each build sleeps in its Dockerfile until it is cancelled.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BuildLimitIT implements TestPropertyProvider {

  @RegisterExtension static final TestRegistry REGISTRY = new TestRegistry();

  private static final ObjectMapper JSON = new ObjectMapper();

  @Inject EmbeddedServer portal;

  private final GitServer git = new GitServer();
  private final List<String> started = new ArrayList<>();
  private final List<String> repos = new ArrayList<>();
  private String token;
  private String otherToken;

  @Override
  public Map<String, String> getProperties() {
    Map<String, String> p = TestDatabases.withRegistry(TestDatabases.postgres(), REGISTRY);
    p.put("berth.sources.allow-hosts", "127.0.0.1");
    p.put("berth.builder.max-builds-per-user", "2");
    p.put("berth.builder.max-concurrent-builds", "1");
    return p;
  }

  @BeforeAll
  void slowRepositoriesAndUsers() throws Exception {
    for (int i = 0; i < 4; i++) {
      Path files = Files.createTempDirectory("berth-slow");
      Files.writeString(
          files.resolve("Dockerfile"),
          "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nRUN sleep 300 # " + System.nanoTime() + "\n");
      repos.add(git.create("slow" + i, files));
    }
    token = token(Accounts.signedIn(new Browserless(portal.getURI()), "many"));
    otherToken = token(Accounts.signedIn(new Browserless(portal.getURI()), "else"));
  }

  @AfterAll
  void cancelAll() throws Exception {
    for (String entry : started) {
      String[] idAndToken = entry.split(" ");
      api("POST", "/api/v1/builds/" + idAndToken[0] + "/cancel", null, idAndToken[1]);
    }
    git.close();
  }

  @Test
  void aUserWithTheMostBuildsWaitingIsToldWhenToTryAgain() throws Exception {
    String first = build(repos.get(0), token);
    build(repos.get(1), token);

    HttpResponse<String> third = start(repos.get(2), token);
    assertEquals(429, third.statusCode(), third.body());
    assertTrue(third.headers().firstValue("Retry-After").orElseThrow().matches("\\d+"));
    assertTrue(third.body().contains("2 builds waiting or running"), third.body());
    // Asking again for a build already waited for is no new build.
    assertEquals(202, start(repos.get(0), token).statusCode());
    // Another user is not held up.
    build(repos.get(3), otherToken);

    assertEquals(202, api("POST", "/api/v1/builds/" + first + "/cancel", null, token).statusCode());
    build(repos.get(2), token);
  }

  private String build(String repo, String as) throws Exception {
    HttpResponse<String> r = start(repo, as);
    assertEquals(202, r.statusCode(), r.body());
    String id = JSON.readTree(r.body()).get("id").asText();
    started.add(id + " " + as);
    return id;
  }

  private HttpResponse<String> start(String repo, String as) {
    return api("POST", "/api/v1/builds", "{\"repo\":\"" + repo + "\",\"ref\":\"main\"}", as);
  }

  private HttpResponse<String> api(String method, String path, String body, String as) {
    return new Browserless(portal.getURI()).json(method, path, body, bearer(as));
  }

  private String token(String user) throws Exception {
    HttpResponse<String> t =
        new Browserless(portal.getURI())
            .json("POST", "/api/v1/tokens", "{\"name\":\"b\"}", basic(user, PASSWORD));
    return JSON.readTree(t.body()).get("token").asText();
  }
}
