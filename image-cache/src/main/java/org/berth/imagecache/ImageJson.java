package org.berth.imagecache;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/** The JSON of manifests and image configurations; Jackson stays inside this module. */
final class ImageJson {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private ImageJson() {}

  static JsonNode read(byte[] json, String what) {
    try {
      JsonNode node = MAPPER.readTree(json);
      if (node == null || !node.isObject()) {
        throw new UnsupportedImageException(what + " is not a JSON object");
      }
      return node;
    } catch (IOException e) {
      throw new UnsupportedImageException(what + " cannot be read: " + e.getMessage(), e);
    }
  }

  static byte[] write(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  static ArrayNode array() {
    return MAPPER.createArrayNode();
  }

  static ObjectNode descriptor(Descriptor d) {
    ObjectNode node = object();
    node.put("mediaType", d.mediaType());
    node.put("size", d.size());
    node.put("digest", d.digest().value());
    return node;
  }

  static Descriptor descriptor(JsonNode node, String what) {
    if (node == null || !node.isObject()) {
      throw new UnsupportedImageException(what + " is missing");
    }
    try {
      return new Descriptor(
          node.path("mediaType").asText(""),
          BlobDigest.parse(node.path("digest").asText(null)),
          node.path("size").asLong(-1));
    } catch (IllegalArgumentException e) {
      throw new UnsupportedImageException(what + " is not valid: " + e.getMessage(), e);
    }
  }
}
