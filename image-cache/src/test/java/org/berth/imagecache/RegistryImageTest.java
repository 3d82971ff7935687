package org.berth.imagecache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegistryImageTest {
  static final ImageRef REF = ImageRef.parse("127.0.0.1:5000/berth/env:abc");
  static final ObjectMapper JSON = new ObjectMapper();
  static final String CONFIG =
      "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"User\":\"1000\","
          + "\"Cmd\":[\"berth-notebook\"],\"Labels\":{\"a\":\"b\"}},"
          + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:"
          + "1".repeat(64)
          + "\"]},\"history\":[{\"created_by\":\"base\"}],\"x-unknown\":{\"kept\":true}}";

  static byte[] manifest(String type, String config, String layerExtra) {
    BlobDigest digest = BlobDigest.of(config.getBytes(StandardCharsets.UTF_8));
    return ("{\"schemaVersion\":2,\"mediaType\":\""
            + type
            + "\",\"config\":{\"mediaType\":\""
            + MediaTypes.config(type)
            + "\",\"size\":"
            + config.length()
            + ",\"digest\":\""
            + digest
            + "\"},\"layers\":[{\"mediaType\":\""
            + MediaTypes.layer(type, true)
            + "\",\"size\":10,\"digest\":\"sha256:"
            + "2".repeat(64)
            + "\""
            + layerExtra
            + "}]}")
        .getBytes(StandardCharsets.UTF_8);
  }

  static RegistryImage image(String type) {
    return RegistryImage.parse(
        REF,
        type,
        manifest(type, CONFIG, ",\"annotations\":{\"k\":\"v\"}"),
        CONFIG.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsLayersAndConfigurationOfAnImageManifest() {
    RegistryImage image = image(MediaTypes.DOCKER_MANIFEST);
    assertEquals(1, image.layers().size());
    assertEquals(BlobDigest.parse("sha256:" + "2".repeat(64)), image.layers().get(0).digest());
    assertEquals(CONFIG.length(), image.config().size());
    assertEquals(
        ImageDigest.parse(
            BlobDigest.of(
                    manifest(MediaTypes.DOCKER_MANIFEST, CONFIG, ",\"annotations\":{\"k\":\"v\"}"))
                .value()),
        image.digest());
  }

  @Test
  void readsTheImagesLabels() {
    assertEquals(java.util.Map.of("a", "b"), image(MediaTypes.DOCKER_MANIFEST).labels());
  }

  @Test
  void putsLayersOnTopAndKeepsEverythingElseOfTheConfiguration() throws Exception {
    RegistryImage base = image(MediaTypes.DOCKER_MANIFEST);
    Layer plain = Layer.uncompressed(BlobDigest.parse("sha256:" + "3".repeat(64)), 30);
    Layer gzip =
        new Layer(
            BlobDigest.parse("sha256:" + "4".repeat(64)),
            40,
            BlobDigest.parse("sha256:" + "5".repeat(64)));
    Instant created = Instant.parse("2024-05-06T07:08:09Z");

    PreparedImage next = base.plus(List.of(plain, gzip), List.of("one", "two"), created);

    JsonNode config = JSON.readTree(next.config());
    assertEquals("1000", config.path("config").path("User").asText());
    assertEquals("b", config.path("config").path("Labels").path("a").asText());
    assertTrue(config.path("x-unknown").path("kept").asBoolean(), "unknown fields are kept");
    assertEquals(
        List.of("sha256:" + "1".repeat(64), "sha256:" + "3".repeat(64), "sha256:" + "5".repeat(64)),
        JSON.convertValue(config.path("rootfs").path("diff_ids"), List.class));
    assertEquals(3, config.path("history").size());
    assertEquals("two", config.path("history").path(2).path("created_by").asText());
    assertEquals("berth", config.path("history").path(2).path("author").asText());
    assertEquals("2024-05-06T07:08:09Z", config.path("created").asText());

    JsonNode manifest = JSON.readTree(next.manifest());
    assertEquals(MediaTypes.DOCKER_MANIFEST, manifest.path("mediaType").asText());
    assertEquals(next.configDigest().value(), manifest.path("config").path("digest").asText());
    assertEquals(next.config().length, manifest.path("config").path("size").asLong());
    JsonNode layers = manifest.path("layers");
    assertEquals(3, layers.size());
    assertEquals("v", layers.path(0).path("annotations").path("k").asText(), "base entry as is");
    assertEquals(MediaTypes.DOCKER_LAYER, layers.path(1).path("mediaType").asText());
    assertEquals(30, layers.path(1).path("size").asLong());
    assertEquals(MediaTypes.DOCKER_LAYER_GZIP, layers.path(2).path("mediaType").asText());
    assertEquals("sha256:" + "4".repeat(64), layers.path(2).path("digest").asText());
    assertEquals(ImageDigest.parse(BlobDigest.of(next.manifest()).value()), next.digest());
  }

  @Test
  void anOciImageGetsOciLayerTypes() throws Exception {
    PreparedImage next =
        image(MediaTypes.OCI_MANIFEST)
            .plus(
                List.of(Layer.uncompressed(BlobDigest.parse("sha256:" + "3".repeat(64)), 30)),
                List.of("one"),
                Instant.EPOCH);
    JsonNode manifest = JSON.readTree(next.manifest());
    assertEquals(MediaTypes.OCI_MANIFEST, next.mediaType());
    assertEquals(MediaTypes.OCI_CONFIG, manifest.path("config").path("mediaType").asText());
    assertEquals(MediaTypes.OCI_LAYER, manifest.path("layers").path(1).path("mediaType").asText());
  }

  @Test
  void refusesAnIndexNamingTheImageAndType() {
    UnsupportedImageException e =
        assertThrows(
            UnsupportedImageException.class,
            () ->
                RegistryImage.parse(
                    REF, MediaTypes.DOCKER_MANIFEST_LIST, "{}".getBytes(), new byte[0]));
    assertTrue(e.getMessage().contains(REF.toString()), e.getMessage());
    assertTrue(e.getMessage().contains(MediaTypes.DOCKER_MANIFEST_LIST), e.getMessage());
  }

  @Test
  void refusesAConfigurationThatDoesNotMatchItsDigest() {
    UnsupportedImageException e =
        assertThrows(
            UnsupportedImageException.class,
            () ->
                RegistryImage.parse(
                    REF,
                    MediaTypes.DOCKER_MANIFEST,
                    manifest(MediaTypes.DOCKER_MANIFEST, CONFIG, ""),
                    "{\"other\":1}".getBytes()));
    assertTrue(e.getMessage().contains("does not match"), e.getMessage());
  }

  @Test
  void aOneLayerImageRecordsTheLayerAndItsDiffId() throws Exception {
    Layer layer = Layer.uncompressed(BlobDigest.parse("sha256:" + "6".repeat(64)), 12);
    PreparedImage entry = PreparedImage.ofLayer(layer, "content layer k");
    JsonNode manifest = JSON.readTree(entry.manifest());
    assertEquals(
        MediaTypes.DOCKER_LAYER, manifest.path("layers").path(0).path("mediaType").asText());
    assertEquals(
        layer.diffId().value(),
        JSON.readTree(entry.config()).path("rootfs").path("diff_ids").path(0).asText());
    RegistryImage read =
        RegistryImage.parse(REF, entry.mediaType(), entry.manifest(), entry.config());
    assertEquals(layer.digest(), read.layers().get(0).digest());
  }

  @Test
  void layerKeysDependOnEveryFieldAndItsBoundaries() {
    LayerKey ab = LayerKey.builder("f1").add("ab").add("c").build();
    assertEquals(ab, LayerKey.builder("f1").add("ab").add("c").build());
    assertNotEquals(ab, LayerKey.builder("f1").add("a").add("bc").build());
    assertNotEquals(ab, LayerKey.builder("f2").add("ab").add("c").build());
    assertNotEquals(LayerKey.builder("f").add(1).build(), LayerKey.builder("f").add(2).build());
  }

  @Test
  void blobDigestsAreSha256Only() {
    assertEquals(
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        BlobDigest.of(new byte[0]).value());
    assertThrows(
        IllegalArgumentException.class, () -> BlobDigest.parse("sha512:" + "0".repeat(128)));
    assertThrows(IllegalArgumentException.class, () -> BlobDigest.parse("sha256:ABC"));
  }
}
