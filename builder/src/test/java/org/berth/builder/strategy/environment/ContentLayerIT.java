package org.berth.builder.strategy.environment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.berth.builder.BuildContext;
import org.berth.builder.BuildEvent;
import org.berth.builder.BuildException;
import org.berth.builder.TestEnv;
import org.berth.builder.Verify;
import org.berth.imagecache.ImageDigest;
import org.berth.imagecache.ImageRef;
import org.berth.imagecache.registry.DistributionRegistryClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The content layer against the real registry and engine: the pushed image is the base plus one
 * layer, keeps the base's user and command, and the registry's own digest matches what Berth
 * records. Refusals leave no tag behind.
 */
class ContentLayerIT {
  private static final ImageRef BASE = ImageRef.parse(TestEnv.require("BERTH_JUPYTER_BASE_IMAGE"));
  private static final List<String> PULLED = new ArrayList<>();

  private final ContentLayer layer = new ContentLayer();
  private final List<BuildEvent> events = new ArrayList<>();

  @AfterAll
  static void removePulled() {
    for (String image : PULLED) {
      Verify.run("docker", "rmi", "-f", image);
    }
  }

  @Test
  void addsOneLayerOnTheBaseAndKeepsItsUserAndCommand(@TempDir Path repo) throws Exception {
    Files.writeString(repo.resolve("notes.md"), "# notes\n");
    Files.createDirectories(repo.resolve("data"));
    Files.writeString(repo.resolve("data/table.csv"), "a,b\n1,2\n");
    ImageRef target = target("layer");

    ImageDigest digest = layer.push(BASE, repo, context(target));

    assertEquals(Optional.of(digest), new DistributionRegistryClient().find(target));
    PULLED.add(target.toString());
    Verify.run("docker", "pull", "-q", target.toString());
    Verify.run("docker", "pull", "-q", BASE.toString());
    String inspect =
        "{{len .RootFS.Layers}} {{.Config.User}} {{json .Config.Cmd}} {{json .Config.Entrypoint}}";
    String[] base =
        Verify.run("docker", "image", "inspect", "-f", inspect, BASE.toString()).split(" ", 2);
    String[] built =
        Verify.run("docker", "image", "inspect", "-f", inspect, target.toString()).split(" ", 2);
    assertEquals(Integer.parseInt(base[0].strip()) + 1, Integer.parseInt(built[0].strip()));
    assertEquals(base[1].strip(), built[1].strip(), "user, command and entrypoint of the base");
    String files =
        Verify.shell(
            target,
            "cat /home/jovyan/data/table.csv; stat -c '%u %a' /home/jovyan /home/jovyan/notes.md");
    assertTrue(files.contains("1,2"), files);
    assertTrue(files.contains("1000 755"), "the home stays the user's: " + files);
    assertTrue(files.contains("1000 644"), files);
    String history =
        Verify.run(
            "docker",
            "image",
            "history",
            "--no-trunc",
            "--format",
            "{{.CreatedBy}}",
            target.toString());
    assertTrue(history.lines().findFirst().orElse("").contains("repository content"), history);
  }

  @Test
  void aBaseInAnotherRegistryIsRefusedByName(@TempDir Path repo) throws Exception {
    Files.writeString(repo.resolve("notes.md"), "x\n");
    ImageRef target = target("elsewhere");
    ImageRef foreign = new ImageRef("registry.example.org", "jupyter/base", "1");

    BuildException e =
        assertThrows(BuildException.class, () -> layer.push(foreign, repo, context(target)));

    assertEquals(BuildException.Failure.REGISTRY, e.failure());
    assertTrue(e.getMessage().contains("registry.example.org/jupyter/base:1"), e.getMessage());
    assertEquals(Optional.empty(), new DistributionRegistryClient().find(target));
  }

  @Test
  void anUnknownBaseFailsWithItsNameAndPushesNothing(@TempDir Path repo) throws Exception {
    Files.writeString(repo.resolve("notes.md"), "x\n");
    ImageRef target = target("nobase");
    ImageRef missing = new ImageRef(BASE.registry(), "berth/env", "0".repeat(64));

    BuildException e =
        assertThrows(BuildException.class, () -> layer.push(missing, repo, context(target)));

    assertEquals(BuildException.Failure.REGISTRY, e.failure());
    assertTrue(
        e.getMessage().contains(missing.toString()) && e.getMessage().contains("404"),
        e.getMessage());
    assertEquals(Optional.empty(), new DistributionRegistryClient().find(target));
  }

  @Test
  void anUnreachableRegistryIsNamed(@TempDir Path repo) throws Exception {
    Files.writeString(repo.resolve("notes.md"), "x\n");
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    String registry = "127.0.0.1:" + closed;
    ImageRef target = new ImageRef(registry, "berth/test/unreachable", "t");

    BuildException e =
        assertThrows(
            BuildException.class,
            () -> layer.push(new ImageRef(registry, "berth/env", "x"), repo, context(target)));

    assertEquals(BuildException.Failure.REGISTRY, e.failure());
    assertTrue(
        e.getMessage().contains("registry " + registry + " cannot be reached"), e.getMessage());
  }

  @Test
  void aBaseThatMovedSinceItWasReadIsNotBuiltOn(@TempDir Path repo) throws Exception {
    Files.writeString(repo.resolve("notes.md"), "first\n");
    ImageRef moving = target("moving");
    layer.push(BASE, repo, context(moving));
    RegistryPush push = new RegistryPush(Duration.ofSeconds(30));
    ImageRef target = target("on-moving");
    RegistryPush.Base before =
        RegistryPush.await(push.read(moving, target), "reading").orElseThrow();
    Files.writeString(repo.resolve("notes.md"), "second\n");
    layer.push(BASE, repo, context(moving)); // the same tag, another image

    try (RegistryPush.Uploads uploads = push.open(target);
        ContentLayer.Pending pending = layer.start(repo)) {
      BuildException e =
          assertThrows(
              RegistryPush.BaseChanged.class,
              () -> pending.push(before, push.read(moving, target), uploads, context(target)));
      assertTrue(e.getMessage().contains(moving.toString()), e.getMessage());
    }
    assertEquals(Optional.empty(), new DistributionRegistryClient().find(target));
  }

  @Test
  void uploadSessionsOpenedAheadAreDeletedWhenNotUsed() throws Exception {
    ImageRef target = target("unused");
    RegistryPush.Uploads uploads = layer.open(target);
    List<URI> sessions = uploads.locations();
    assertEquals(2, sessions.size());
    for (URI session : sessions) {
      assertEquals(204, status(session), "an open upload session answers 204: " + session);
    }

    uploads.close();

    for (URI session : sessions) {
      long until = System.nanoTime() + 5_000_000_000L;
      while (status(session) != 404 && System.nanoTime() < until) {
        Thread.sleep(20);
      }
      assertEquals(404, status(session), "an unused upload session is deleted: " + session);
    }
    assertEquals(Optional.empty(), new DistributionRegistryClient().find(target));
  }

  private static int status(URI uri) throws Exception {
    return HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private ImageRef target(String name) {
    return new ImageRef(BASE.registry(), "berth/test/content-" + name, "t" + System.nanoTime());
  }

  private BuildContext context(ImageRef target) {
    return new BuildContext(target, events::add, Instant.now().plusSeconds(60), () -> false);
  }
}
