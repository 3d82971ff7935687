package org.berth.imagecache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.berth.imagecache.registry.DistributionRegistryClient;
import org.berth.imagecache.testing.TestRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Against a real registry: the class's own {@link TestRegistry}, holding Berth's bases. */
class DistributionRegistryClientIT {
  @RegisterExtension static final TestRegistry REGISTRY = new TestRegistry();
  private static final Duration UPLOAD = Duration.ofSeconds(60);
  private final RegistryClient client = new DistributionRegistryClient(Duration.ofSeconds(5));

  @Test
  void findsDigestOfAnImageInTheRegistry() throws Exception {
    ImageRef base = base();
    Optional<ImageDigest> digest = client.find(base);
    assertTrue(digest.isPresent(), "base image " + base + " should be in the registry");
    Process p =
        new ProcessBuilder(
                "docker", "image", "inspect", "--format", "{{json .RepoDigests}}", base.toString())
            .redirectErrorStream(true)
            .start();
    String repoDigests = new String(p.getInputStream().readAllBytes());
    assertTrue(repoDigests.contains(digest.get().value()), repoDigests + " vs " + digest.get());
  }

  @Test
  void answersEmptyForATagTheRegistryDoesNotHave() {
    String registry = REGISTRY.address();
    assertEquals(
        Optional.empty(),
        client.find(
            new ImageRef(registry, "berth/jupyter-base", "no-such-tag-" + System.nanoTime())));
    assertEquals(
        Optional.empty(), client.find(new ImageRef(registry, "berth/no-such-repo", "latest")));
  }

  @Test
  void failsNamingTheRegistryWhenItCannotBeReached() {
    RegistryUnavailableException e =
        assertThrows(
            RegistryUnavailableException.class,
            () -> client.find(new ImageRef("127.0.0.1:1", "berth/x", "latest")));
    assertTrue(e.getMessage().contains("127.0.0.1:1"), e.getMessage());
  }

  @Test
  void readsAnImageWithTheDigestTheRegistryReports() {
    ImageRef base = base();
    RegistryImage image = client.read(base).join().orElseThrow();
    assertEquals(client.find(base).orElseThrow(), image.digest());
    assertFalse(image.layers().isEmpty());
    assertEquals(image.digest(), client.lastRead(base).orElseThrow().digest());
    assertEquals(
        Optional.empty(), client.read(base.withTag("no-such-tag-" + System.nanoTime())).join());
  }

  @Test
  void pushesLayersUploadedWholeAndStreamedOnABaseMountingItsLayersOnlyWhenNeeded(
      @TempDir Path small, @TempDir Path big) throws Exception {
    ImageRef base = base();
    ImageRef target = target("pushed");
    RegistryImage image = client.read(base).join().orElseThrow();
    byte[] one = RegistryTestSupport.tarLayer(small, "one.txt", "first layer\n");
    byte[] two = RegistryTestSupport.tarLayer(big, "two.txt", "x".repeat(3_000_000) + "\n");
    Layer first = Layer.uncompressed(BlobDigest.of(one), one.length);
    Layer second;
    ImageDigest pushed;
    try (BlobUploads uploads = client.uploads(target, 2)) {
      uploads.put(first.digest(), one, UPLOAD).join();
      BlobUploads.Written streamed =
          uploads.stream(
              out -> {
                for (int i = 0; i < two.length; i += 1000) {
                  out.write(two, i, Math.min(1000, two.length - i));
                }
              },
              UPLOAD);
      assertEquals(BlobDigest.of(two), streamed.digest());
      assertEquals(two.length, streamed.size());
      second = Layer.uncompressed(streamed.digest(), streamed.size());
      PreparedImage next = image.plus(List.of(first, second), List.of("one", "two"), Instant.now());
      uploads.put(next.configDigest(), next.config(), UPLOAD).join();
      Map<BlobDigest, String> sources = new HashMap<>();
      image.layers().forEach(l -> sources.put(l.digest(), base.repository()));

      pushed = client.push(target, next, sources);

      assertEquals(next.digest(), pushed);
    }
    assertEquals(Optional.of(pushed), client.find(target));
    String out =
        RegistryTestSupport.inImage(
            target, "cat /home/jovyan/one.txt; wc -c < /home/jovyan/two.txt; id -u");
    assertTrue(out.contains("first layer"), out);
    assertTrue(out.contains("3000001"), out);
  }

  @Test
  void aManifestNamingABlobNobodyHasIsRefusedAndTagsNothing(@TempDir Path dir) throws Exception {
    ImageRef target = target("missing");
    RegistryImage image = client.read(base()).join().orElseThrow();
    BlobDigest nowhere = BlobDigest.of(("never uploaded " + System.nanoTime()).getBytes());
    PreparedImage next =
        image.plus(List.of(Layer.uncompressed(nowhere, 10)), List.of("x"), Instant.now());
    try (BlobUploads uploads = client.uploads(target, 1)) {
      uploads.put(next.configDigest(), next.config(), UPLOAD).join();
    }
    Map<BlobDigest, String> sources = new HashMap<>();
    image.layers().forEach(l -> sources.put(l.digest(), base().repository()));

    MissingBlobsException e =
        assertThrows(MissingBlobsException.class, () -> client.push(target, next, sources));

    assertEquals(List.of(nowhere), e.missing());
    assertTrue(e.getMessage().contains(target.toString()), e.getMessage());
    assertEquals(Optional.empty(), client.find(target));
  }

  @Test
  void aBlobDeletedSinceThisClientSawItIsLinkedAgainBeforeTheManifest(@TempDir Path dir)
      throws Exception {
    ImageRef base = base();
    RegistryImage image = client.read(base).join().orElseThrow();
    byte[] tar = RegistryTestSupport.tarLayer(dir, "kept.txt", "kept " + System.nanoTime());
    Layer layer = Layer.uncompressed(BlobDigest.of(tar), tar.length);
    ImageRef source = target("source");
    ImageRef target = target("relinked");
    Map<BlobDigest, String> sources = new HashMap<>();
    image.layers().forEach(l -> sources.put(l.digest(), base.repository()));
    try (BlobUploads uploads = client.uploads(source, 1)) {
      uploads.put(layer.digest(), tar, UPLOAD).join();
    }
    PreparedImage first = image.plus(List.of(layer), List.of("one"), Instant.now());
    try (BlobUploads uploads = client.uploads(target, 2)) {
      uploads.put(layer.digest(), tar, UPLOAD).join();
      uploads.put(first.configDigest(), first.config(), UPLOAD).join();
    }
    client.push(target, first, sources);
    URI blob =
        URI.create(
            "http://"
                + target.registry()
                + "/v2/"
                + target.repository()
                + "/blobs/"
                + layer.digest());
    assertEquals(202, status(blob, "DELETE"), "the registry unlinks the layer from the repository");

    PreparedImage second = image.plus(List.of(layer), List.of("two"), Instant.now());
    try (BlobUploads uploads = client.uploads(target, 1)) {
      uploads.put(second.configDigest(), second.config(), UPLOAD).join();
    }
    sources.put(layer.digest(), source.repository());
    ImageRef again = target.withTag("again");

    assertEquals(second.digest(), client.push(again, second, sources));
    assertEquals(200, status(blob, "HEAD"), "mounted back from " + source.repository());
  }

  @Test
  void aMountFromARepositoryThatLacksTheBlobAnswersFalse() {
    BlobDigest nowhere = BlobDigest.of(("never uploaded " + System.nanoTime()).getBytes());
    assertFalse(client.mount(target("mount"), nowhere, base().repository()).join());
  }

  @Test
  void aStreamWhoseWriterFailsNamesTheErrorAndKeepsNoBlob() throws Exception {
    ImageRef target = target("broken");
    byte[] written = "partial".repeat(100_000).getBytes(StandardCharsets.UTF_8);
    try (BlobUploads uploads = client.uploads(target, 1)) {
      ImageCacheException e =
          assertThrows(
              ImageCacheException.class,
              () ->
                  uploads.stream(
                      out -> {
                        out.write(written);
                        throw new IOException("disk went away");
                      },
                      UPLOAD));
      assertTrue(e.getMessage().contains("disk went away"), e.getMessage());
    }
    assertEquals(
        404,
        status(
            URI.create(
                "http://"
                    + target.registry()
                    + "/v2/"
                    + target.repository()
                    + "/blobs/"
                    + BlobDigest.of(written)),
            "HEAD"));
  }

  @Test
  void uploadSessionsOpenedAheadAreDeletedWhenNotUsed() throws Exception {
    ImageRef target = target("unused");
    BlobUploads uploads = client.uploads(target, 2);
    List<URI> sessions = uploads.pending();
    assertEquals(2, sessions.size());
    for (URI session : sessions) {
      assertEquals(204, status(session, "GET"), "an open upload session answers 204: " + session);
    }

    uploads.close();

    for (URI session : sessions) {
      long until = System.nanoTime() + 5_000_000_000L;
      while (status(session, "GET") != 404 && System.nanoTime() < until) {
        Thread.sleep(20);
      }
      assertEquals(404, status(session, "GET"), "an unused upload session is deleted: " + session);
    }
    assertEquals(Optional.empty(), client.find(target));
  }

  @Test
  void aLayerRecordedInTheIndexIsFoundByAnotherProcess(@TempDir Path dir) throws Exception {
    ImageRef target = target("indexed");
    byte[] tar = RegistryTestSupport.tarLayer(dir, "k.txt", "indexed " + System.nanoTime());
    Layer layer = Layer.uncompressed(BlobDigest.of(tar), tar.length);
    try (BlobUploads uploads = client.uploads(target, 1)) {
      uploads.put(layer.digest(), tar, UPLOAD).join();
    }
    String repository = "berth/test/layers-" + System.nanoTime();
    LayerKey key = LayerKey.builder("test").add(System.nanoTime()).build();
    LayerIndex index = new LayerIndex(client, repository);
    String registry = target.registry();
    assertEquals(Optional.empty(), index.find(registry, key).join());

    index.record(key, layer, target, UPLOAD).join();

    assertEquals(Optional.of(layer), index.known(registry, key));
    LayerIndex fresh =
        new LayerIndex(new DistributionRegistryClient(Duration.ofSeconds(5)), repository);
    assertEquals(Optional.empty(), fresh.known(registry, key));
    assertEquals(Optional.of(layer), fresh.find(registry, key).join());
    assertTrue(
        client.mount(target("from-index"), layer.digest(), repository).join(),
        "the index repository holds the layer for mounts");
  }

  private static int status(URI uri, String method) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static ImageRef base() {
    return ImageRef.parse(REGISTRY.jupyterBase());
  }

  private static ImageRef target(String name) {
    return new ImageRef(REGISTRY.address(), "berth/test/client-" + name, "t" + System.nanoTime());
  }
}
