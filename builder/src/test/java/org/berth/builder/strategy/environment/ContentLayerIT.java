package org.berth.builder.strategy.environment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
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
import org.berth.builder.SourceFiles;
import org.berth.builder.Verify;
import org.berth.imagecache.BlobUploads;
import org.berth.imagecache.ImageDigest;
import org.berth.imagecache.ImageRef;
import org.berth.imagecache.LayerIndex;
import org.berth.imagecache.RegistryClient;
import org.berth.imagecache.RegistryImage;
import org.berth.imagecache.registry.DistributionRegistryClient;
import org.berth.imagecache.testing.TestRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The content layer against the real registry and engine: the pushed image is the base plus one
 * layer, keeps the base's user and command, and the registry's own digest matches what Berth
 * records. Refusals leave no tag behind. The registry is the class's own ({@link TestRegistry}).
 */
class ContentLayerIT {
  @RegisterExtension static final TestRegistry OWN = new TestRegistry();
  private static final List<String> PULLED = new ArrayList<>();

  private static final RegistryClient REGISTRY =
      new DistributionRegistryClient(Duration.ofSeconds(10));
  // A layer index of this run's own, so layers are written here rather than found from earlier
  // runs.
  private final ContentLayer layer =
      new ContentLayer(
          REGISTRY, new LayerIndex(REGISTRY, "berth/test/layers-" + System.nanoTime()));
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

    ImageDigest digest = layer.push(base(), SourceFiles.onDisk(repo), context(target));

    assertEquals(Optional.of(digest), REGISTRY.find(target));
    PULLED.add(target.toString());
    Verify.run("docker", "pull", "-q", target.toString());
    Verify.run("docker", "pull", "-q", base().toString());
    String inspect =
        "{{len .RootFS.Layers}} {{.Config.User}} {{json .Config.Cmd}} {{json .Config.Entrypoint}}";
    String[] base =
        Verify.run("docker", "image", "inspect", "-f", inspect, base().toString()).split(" ", 2);
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
        assertThrows(
            BuildException.class,
            () -> layer.push(foreign, SourceFiles.onDisk(repo), context(target)));

    assertEquals(BuildException.Failure.REGISTRY, e.failure());
    assertTrue(e.getMessage().contains("registry.example.org/jupyter/base:1"), e.getMessage());
    assertEquals(Optional.empty(), REGISTRY.find(target));
  }

  @Test
  void anUnknownBaseFailsWithItsNameAndPushesNothing(@TempDir Path repo) throws Exception {
    Files.writeString(repo.resolve("notes.md"), "x\n");
    ImageRef target = target("nobase");
    ImageRef missing = new ImageRef(base().registry(), "berth/env", "0".repeat(64));

    BuildException e =
        assertThrows(
            BuildException.class,
            () -> layer.push(missing, SourceFiles.onDisk(repo), context(target)));

    assertEquals(BuildException.Failure.REGISTRY, e.failure());
    assertTrue(
        e.getMessage().contains(missing.toString()) && e.getMessage().contains("404"),
        e.getMessage());
    assertEquals(Optional.empty(), REGISTRY.find(target));
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
            () ->
                layer.push(
                    new ImageRef(registry, "berth/env", "x"),
                    SourceFiles.onDisk(repo),
                    context(target)));

    assertEquals(BuildException.Failure.REGISTRY, e.failure());
    assertTrue(
        e.getMessage().contains("registry " + registry + " cannot be reached"), e.getMessage());
  }

  @Test
  void aBaseThatMovedSinceItWasReadIsNotBuiltOn(@TempDir Path repo) throws Exception {
    Files.writeString(repo.resolve("notes.md"), "first\n");
    ImageRef moving = target("moving");
    layer.push(base(), SourceFiles.onDisk(repo), context(moving));
    ImageRef target = target("on-moving");
    RegistryImage before = ContentLayer.await(layer.read(moving, target), "reading").orElseThrow();
    Files.writeString(repo.resolve("notes.md"), "second\n");
    layer.push(base(), SourceFiles.onDisk(repo), context(moving)); // the same tag, another image

    try (BlobUploads uploads = layer.open(target);
        ContentLayer.Pending pending =
            layer.start(SourceFiles.onDisk(repo), uploads, context(target))) {
      BuildException e =
          assertThrows(
              ContentLayer.BaseChanged.class,
              () -> pending.push(before, layer.read(moving, target)));
      assertTrue(e.getMessage().contains(moving.toString()), e.getMessage());
    }
    assertEquals(Optional.empty(), REGISTRY.find(target));
  }

  private static ImageRef base() {
    return ImageRef.parse(OWN.jupyterBase());
  }

  private ImageRef target(String name) {
    return new ImageRef(base().registry(), "berth/test/content-" + name, "t" + System.nanoTime());
  }

  private BuildContext context(ImageRef target) {
    return new BuildContext(target, events::add, Instant.now().plusSeconds(60), () -> false);
  }
}
