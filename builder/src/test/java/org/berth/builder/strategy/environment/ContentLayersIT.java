package org.berth.builder.strategy.environment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.berth.builder.BuildEvent;
import org.berth.builder.BuildHandle;
import org.berth.builder.BuildService;
import org.berth.builder.BuilderConfig;
import org.berth.builder.BuilderStack;
import org.berth.builder.GitServer;
import org.berth.builder.InMemoryBuildStore;
import org.berth.builder.RegistryRecorder;
import org.berth.builder.SourcePolicy;
import org.berth.builder.SourceSpec;
import org.berth.builder.SourceTree;
import org.berth.builder.Verify;
import org.berth.builder.source.GitRepoProvider;
import org.berth.builder.strategy.DockerEngine;
import org.berth.imagecache.BlobDigest;
import org.berth.imagecache.Descriptor;
import org.berth.imagecache.ImageRef;
import org.berth.imagecache.LayerIndex;
import org.berth.imagecache.RegistryClient;
import org.berth.imagecache.registry.DistributionRegistryClient;
import org.berth.imagecache.testing.TestRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Content layers against the real registry, git and engine: repositories with data files, built
 * through Berth's builder, with every request Berth makes to the registry recorded on the way
 * ({@link RegistryRecorder}), so that what was uploaded is checked from the registry's side. Each
 * "machine" is a builder with its own git mirrors and its own layer index.
 */
class ContentLayersIT {
  private static final long MB = 1024 * 1024;
  @RegisterExtension static final TestRegistry OWN = new TestRegistry();
  private static final List<AutoCloseable> OPEN = new ArrayList<>();

  static GitServer git;
  static RegistryRecorder recorder;
  static RegistryClient registry;

  /** The class's own registry behind the recorder, and the Jupyter base in it. */
  static String upstream;

  static ImageRef jupyterBase;

  @BeforeAll
  static void start() {
    upstream = OWN.address();
    jupyterBase = ImageRef.parse(OWN.jupyterBase());
    git = new GitServer();
    recorder = new RegistryRecorder(upstream);
    registry = new DistributionRegistryClient(Duration.ofSeconds(10));
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : OPEN) {
      c.close();
    }
    recorder.close();
    git.close();
  }

  /** The content layers of each machine made, to wait for their index entries. */
  private static final List<ContentLayer> LAYERS = new ArrayList<>();

  /**
   * A builder with its own mirrors and layer index, speaking to the registry through the recorder.
   */
  static BuildService machine(Path mirrors, String index, String recipe) {
    String front = recorder.address();
    BuilderConfig config =
        new BuilderConfig(
            front,
            front + "/" + jupyterBase.repository() + ":" + jupyterBase.tag(),
            recipe,
            null,
            null,
            2,
            Duration.ofMinutes(5));
    RegistryClient client = new DistributionRegistryClient(Duration.ofSeconds(10));
    DockerEngine engine = new DockerEngine(DockerEngine.localClient(), client);
    ContentLayer layers = new ContentLayer(client, new LayerIndex(client, index));
    LAYERS.add(layers);
    SourcePolicy sources = BuilderStack.sources().withCache(mirrors, 1L << 32);
    BuildService service =
        new BuildService(
            List.of(new GitRepoProvider(sources)),
            List.of(new EnvironmentStrategy(engine, config, layers)),
            client,
            new InMemoryBuildStore(),
            config);
    OPEN.add(service);
    return service;
  }

  static String newIndex() {
    return "berth/test/layers-" + System.nanoTime();
  }

  /** A repository of three 2 MB data files, a notebook and a README; bytes made from the seed. */
  static String dataRepo(Path dir, long seed) throws IOException {
    Files.createDirectories(dir.resolve("data"));
    Random random = new Random(seed);
    for (String name : List.of("a.bin", "b.bin", "c.bin")) {
      byte[] bytes = new byte[(int) (2 * MB)];
      random.nextBytes(bytes);
      Files.write(dir.resolve("data").resolve(name), bytes);
    }
    Files.writeString(dir.resolve("index.ipynb"), notebook("first"));
    Files.writeString(dir.resolve("README.md"), "# data " + seed + "\n");
    return git.create("data-" + seed + "-" + System.nanoTime(), dir);
  }

  static String notebook(String text) {
    return "{\"cells\": [{\"cell_type\": \"markdown\", \"metadata\": {}, \"source\": [\""
        + text
        + "\"]}], \"metadata\": {}, \"nbformat\": 4, \"nbformat_minor\": 5}\n";
  }

  static BuildHandle build(BuildService service, String url) throws Exception {
    BuildHandle h = service.submit(SourceSpec.of(url, "main"));
    try {
      h.result().get(5, TimeUnit.MINUTES);
    } catch (Exception e) {
      throw new AssertionError("build failed: " + h.events(), e);
    }
    return h;
  }

  /** The image in the real registry (the recorder's images are the registry's). */
  static ImageRef real(ImageRef viaRecorder) {
    return new ImageRef(upstream, viaRecorder.repository(), viaRecorder.tag());
  }

  /** The content layers of an image: those above the base's. */
  static List<BlobDigest> contentLayers(ImageRef image) {
    int base = registry.read(jupyterBase).join().orElseThrow().layers().size();
    List<Descriptor> all = registry.read(real(image)).join().orElseThrow().layers();
    return all.subList(base, all.size()).stream().map(Descriptor::digest).toList();
  }

  static String contentStep(BuildHandle h) {
    return h.events().stream()
        .filter(e -> e instanceof BuildEvent.StepRan s && s.step().equals("content-layer"))
        .map(e -> ((BuildEvent.StepRan) e).detail())
        .findFirst()
        .orElseThrow(() -> new AssertionError("no content-layer step: " + h.events()));
  }

  /** The bytes the content-layer step says it uploaded. */
  static long uploadedBytes(BuildHandle h) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("\\((\\d+) bytes\\)").matcher(contentStep(h));
    assertTrue(m.find(), contentStep(h));
    return Long.parseLong(m.group(1));
  }

  static String sha256(Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  static String inImage(ImageRef image, String script) {
    String out = Verify.shell(real(image), script);
    Verify.run("docker", "rmi", real(image).toString());
    return out;
  }

  @Test
  void aNotebookOnlyCommitUploadsOnlyTheLayerHoldingTheNotebook(
      @TempDir Path repo, @TempDir Path mirrors) throws Exception {
    BuildService berth = machine(mirrors, newIndex(), BuilderStack.RUN_RECIPE);
    String url = dataRepo(repo, System.nanoTime());
    recorder.clear();
    BuildHandle first = build(berth, url);
    String repository = first.target().repository();
    List<String> firstUploads = recorder.uploaded(repository);
    // three data layers, the notebook's, the configuration
    assertEquals(5, firstUploads.size(), recorder.requests().toString());
    List<RegistryRecorder.Request> streamed =
        recorder.requests().stream()
            .filter(r -> r.method().equals("PATCH") && r.repository().equals(repository))
            .sorted((a, b) -> Long.compare(a.start(), b.start()))
            .toList();
    assertEquals(3, streamed.size(), "data layers are streamed as they are written");
    assertTrue(streamed.stream().allMatch(r -> r.bytes() > 2 * MB), streamed.toString());
    assertTrue(
        streamed.get(0).end() < streamed.get(2).start(),
        "an upload finished while a later layer was still to be written");

    git.commitFile(url, "index.ipynb", notebook("changed"));
    recorder.clear();
    BuildHandle second = build(berth, url);

    List<String> uploads = recorder.uploaded(repository);
    assertEquals(2, uploads.size(), "the notebook's layer and the configuration: " + uploads);
    assertTrue(recorder.uploadedBytes() < 20_000, recorder.uploadedBytes() + " bytes uploaded");
    assertTrue(
        recorder.requests().stream()
            .noneMatch(
                r ->
                    r.repository().equals(repository)
                        && r.query() != null
                        && r.query().contains("mount=")),
        "nothing mounted into the repository: it has the layers");
    List<BlobDigest> before = contentLayers(first.target());
    List<BlobDigest> after = contentLayers(second.target());
    assertEquals(4, after.size());
    List<BlobDigest> added = new ArrayList<>(after);
    added.removeAll(before);
    assertEquals(1, added.size(), "three layers kept: " + before + " then " + after);
    assertTrue(uploads.contains(added.get(0).value()), "the uploaded layer is the new one");
    assertTrue(contentStep(second).contains("3 reused, 1 written"), contentStep(second));
    String out =
        inImage(
            second.target(),
            "cat /home/jovyan/index.ipynb; stat -c '%u %a %n' /home/jovyan /home/jovyan/data/a.bin");
    assertTrue(out.contains("changed"), out);
    assertTrue(out.contains("1000 755 /home/jovyan\n"), out);
    assertTrue(out.contains("1000 644 /home/jovyan/data/a.bin"), out);
  }

  @Test
  void deletingRenamingAndChangingDataFilesShowInTheImageAndUploadOnlyWhatChanged(
      @TempDir Path repo, @TempDir Path mirrors) throws Exception {
    BuildService berth = machine(mirrors, newIndex(), BuilderStack.RUN_RECIPE);
    String url = dataRepo(repo, System.nanoTime());
    BuildHandle first = build(berth, url);
    String repository = first.target().repository();
    Path work = git.workTree(url);
    String movedSum = sha256(work.resolve("data/c.bin"));

    // deleted: no layer is written at all
    Files.delete(work.resolve("data/b.bin"));
    git.commitAll(url, "delete b");
    recorder.clear();
    BuildHandle deleted = build(berth, url);
    assertEquals(1, recorder.uploaded(repository).size(), "the configuration only");
    assertEquals(3, contentLayers(deleted.target()).size());
    String out =
        inImage(deleted.target(), "ls /home/jovyan/data; test ! -e /home/jovyan/data/b.bin");
    assertFalse(out.contains("b.bin"), out);

    // renamed: the file is at its new path, with its bytes, and gone from the old one
    Files.move(work.resolve("data/c.bin"), work.resolve("data/moved.bin"));
    git.commitAll(url, "rename c");
    BuildHandle renamed = build(berth, url);
    out =
        inImage(
            renamed.target(),
            "sha256sum /home/jovyan/data/moved.bin; test ! -e /home/jovyan/data/c.bin && echo gone");
    assertTrue(out.contains(movedSum), out);
    assertTrue(out.contains("gone"), out);

    // changed: only that file's layer is uploaded again
    byte[] bytes = new byte[(int) (2 * MB)];
    new Random(7).nextBytes(bytes);
    Files.write(work.resolve("data/a.bin"), bytes);
    git.commitAll(url, "change a");
    recorder.clear();
    BuildHandle changed = build(berth, url);
    List<String> uploads = recorder.uploaded(repository);
    assertEquals(2, uploads.size(), "a.bin's layer and the configuration: " + uploads);
    long uploaded = recorder.uploadedBytes();
    assertTrue(uploaded > 2 * MB && uploaded < 2 * MB + 100_000, uploaded + " bytes");
    List<BlobDigest> before = contentLayers(renamed.target());
    List<BlobDigest> after = contentLayers(changed.target());
    List<BlobDigest> added = new ArrayList<>(after);
    added.removeAll(before);
    assertEquals(1, added.size(), "the other layers are kept: " + before + " then " + after);
    assertTrue(uploads.contains(added.get(0).value()));
    assertTrue(contentStep(changed).contains("2 reused, 1 written"), contentStep(changed));
  }

  @Test
  void twoMachinesBuildingTheSameCommitGetTheSameLayerDigests(
      @TempDir Path repo, @TempDir Path mirrorsA, @TempDir Path mirrorsB) throws Exception {
    String url = dataRepo(repo, System.nanoTime());
    BuildService a = machine(mirrorsA, newIndex(), BuilderStack.RUN_RECIPE + "a");
    BuildService b = machine(mirrorsB, newIndex(), BuilderStack.RUN_RECIPE + "b");

    BuildHandle onA = build(a, url);
    BuildHandle onB = build(b, url);

    assertNotEquals(onA.target(), onB.target(), "two images, each built");
    assertTrue(contentStep(onA).contains("0 reused, 4 written"), contentStep(onA));
    assertTrue(contentStep(onB).contains("0 reused, 4 written"), contentStep(onB));
    assertEquals(contentLayers(onA.target()), contentLayers(onB.target()));
  }

  @Test
  void aFreshBerthFindsTheLayersThroughTheRegistryAndAnotherRepositoryMountsThem(
      @TempDir Path repo, @TempDir Path fork, @TempDir Path mirrorsA, @TempDir Path mirrorsB)
      throws Exception {
    String index = newIndex();
    long seed = System.nanoTime();
    String url = dataRepo(repo, seed);
    build(machine(mirrorsA, index, BuilderStack.RUN_RECIPE), url);
    LAYERS.forEach(ContentLayer::awaitIndexRecords);

    // a restarted Berth (nothing in memory, a new mirror) and a notebook-only commit
    BuildService restarted = machine(mirrorsB, index, BuilderStack.RUN_RECIPE);
    git.commitFile(url, "index.ipynb", notebook("after a restart"));
    recorder.clear();
    BuildHandle again = build(restarted, url);
    assertEquals(2, recorder.uploaded(again.target().repository()).size());
    assertTrue(contentStep(again).contains("3 reused, 1 written"), contentStep(again));

    // the same data in another repository: mounted from the index, not uploaded
    String copy = dataRepo(fork, seed);
    recorder.clear();
    BuildHandle other = build(restarted, copy);
    assertTrue(recorder.uploadedBytes() < 20_000, recorder.uploadedBytes() + " bytes uploaded");
    long mounts =
        recorder.requests().stream()
            .filter(r -> r.query() != null && r.query().contains("from=" + index))
            .count();
    assertEquals(4, mounts, "all four content layers are mounted from the index");
    assertTrue(
        inImage(other.target(), "wc -c < /home/jovyan/data/b.bin")
            .contains(String.valueOf(2 * MB)));
  }

  @Test
  void aLayerTheIndexNamesButTheRegistryLostIsWrittenAgain(
      @TempDir Path repo, @TempDir Path fork, @TempDir Path mirrorsA, @TempDir Path mirrorsB)
      throws Exception {
    String index = newIndex();
    long seed = System.nanoTime();
    BuildHandle first =
        build(machine(mirrorsA, index, BuilderStack.RUN_RECIPE), dataRepo(repo, seed));
    LAYERS.forEach(ContentLayer::awaitIndexRecords);
    // Someone deletes the layers from the index repository, where other repositories mount them.
    HttpClient http = HttpClient.newHttpClient();
    for (BlobDigest layer : contentLayers(first.target())) {
      URI blob = URI.create("http://" + upstream + "/v2/" + index + "/blobs/" + layer);
      int status =
          http.send(
                  HttpRequest.newBuilder(blob).DELETE().build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode();
      assertEquals(202, status, "deleting " + blob);
    }

    BuildHandle other =
        build(machine(mirrorsB, index, BuilderStack.RUN_RECIPE), dataRepo(fork, seed));

    assertTrue(contentStep(other).contains("4 reused"), contentStep(other));
    assertTrue(uploadedBytes(other) > 6 * MB, "written and uploaded again: " + contentStep(other));
    assertEquals(contentLayers(first.target()), contentLayers(other.target()));
    assertTrue(
        inImage(other.target(), "wc -c < /home/jovyan/data/c.bin")
            .contains(String.valueOf(2 * MB)));
  }

  @Test
  void aFetchLeavesLargeFilesOutOfTheCheckoutUntilItIsAskedFor(
      @TempDir Path repo, @TempDir Path mirrors, @TempDir Path into) throws Exception {
    String url = dataRepo(repo, System.nanoTime());
    GitRepoProvider provider =
        new GitRepoProvider(BuilderStack.sources().withCache(mirrors, 1L << 32));
    var source = provider.resolve(SourceSpec.of(url, "main"));

    SourceTree tree = provider.fetch(source, into.resolve("src"));

    Path checkout = into.resolve("src");
    assertTrue(Files.isRegularFile(checkout.resolve("index.ipynb")));
    assertTrue(Files.isDirectory(checkout.resolve("data")));
    assertFalse(Files.exists(checkout.resolve("data/a.bin")), "not written by the fetch");
    assertEquals(5, tree.files().list().size());
    assertEquals(checkout, tree.root());
    assertEquals(sha256(repo.resolve("data/a.bin")), sha256(checkout.resolve("data/a.bin")));
    assertEquals(2 * MB, Files.size(checkout.resolve("data/c.bin")));
  }
}
