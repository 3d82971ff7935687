package org.berth.builder.strategy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.BuildResponseItem;
import com.github.dockerjava.transport.DockerHttpClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.berth.builder.BuildException;
import org.berth.builder.BuildResources;
import org.berth.imagecache.ImageRef;

/**
 * One {@code POST /build} to the engine (classic builder), made by Berth rather than docker-java:
 * docker-java's build command has no CPU quota, and it would make the context itself (following
 * folder links). The tar is sent as it is; the answer's JSON messages go to a docker-java callback
 * from a thread of their own, so the caller can wait, and close the callback to stop the build.
 */
final class EngineBuild {
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final DockerHttpClient http;
  private final String dockerfile;
  private final Map<String, String> args;
  private final ImageRef tag;
  private final Map<String, String> labels;

  EngineBuild(
      DockerHttpClient http,
      String dockerfile,
      Map<String, String> args,
      ImageRef tag,
      Map<String, String> labels) {
    this.http = http;
    this.dockerfile = dockerfile;
    this.args = Map.copyOf(args);
    this.tag = tag;
    this.labels = Map.copyOf(labels);
  }

  /** The request's path and query, as the Engine API (1.41) names the parameters. */
  String path(BuildResources resources) {
    Map<String, String> q = new LinkedHashMap<>();
    q.put("t", tag.toString());
    q.put("dockerfile", dockerfile);
    q.put("buildargs", json(args));
    q.put("labels", json(labels));
    q.put("rm", "1");
    q.put("forcerm", "1");
    q.put("pull", "0");
    q.put("memory", Long.toString(resources.memoryBytes()));
    q.put("memswap", Long.toString(resources.memoryBytes())); // the same: no swap on top
    q.put("cpuperiod", Long.toString(BuildResources.CPU_PERIOD_MICROS));
    q.put("cpuquota", Long.toString(resources.cpuQuotaMicros()));
    q.put("networkmode", resources.network());
    StringBuilder path = new StringBuilder("/build");
    char sep = '?';
    for (Map.Entry<String, String> e : q.entrySet()) {
      path.append(sep)
          .append(e.getKey())
          .append('=')
          .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
      sep = '&';
    }
    return path.toString();
  }

  /**
   * Sends the context and starts reading the answer on a new thread; returns at once. Failures,
   * including an engine that refuses the request, reach {@code callback.onError}.
   */
  void start(Path tar, BuildResources resources, ResultCallback<BuildResponseItem> callback) {
    String path = path(resources);
    Thread reader =
        new Thread(
            () -> {
              try (InputStream body = Files.newInputStream(tar);
                  DockerHttpClient.Response response =
                      http.execute(
                          DockerHttpClient.Request.builder()
                              .method(DockerHttpClient.Request.Method.POST)
                              .path(path)
                              .putHeader("Content-Type", "application/x-tar")
                              .body(body)
                              .build())) {
                callback.onStart(response);
                if (response.getStatusCode() != 200) {
                  throw new BuildException(
                      BuildException.Failure.ENGINE,
                      "the Docker engine refused the build (HTTP "
                          + response.getStatusCode()
                          + "): "
                          + message(response.getBody()));
                }
                try (MappingIterator<BuildResponseItem> items =
                    JSON.readerFor(BuildResponseItem.class).readValues(response.getBody())) {
                  while (items.hasNextValue()) {
                    callback.onNext(items.nextValue());
                  }
                }
                callback.onComplete();
              } catch (Exception | Error e) {
                callback.onError(e);
              }
            },
            "berth-engine-build");
    reader.setDaemon(true);
    reader.start();
  }

  private static String message(InputStream body) {
    try {
      String text = new String(body.readAllBytes(), StandardCharsets.UTF_8);
      try {
        Object message = JSON.readValue(text, Map.class).get("message");
        return message == null ? text.strip() : message.toString();
      } catch (IOException e) {
        return text.strip();
      }
    } catch (IOException e) {
      return "no answer";
    }
  }

  private static String json(Map<String, String> map) {
    try {
      return JSON.writeValueAsString(map);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
