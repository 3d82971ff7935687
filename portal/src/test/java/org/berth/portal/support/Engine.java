package org.berth.portal.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The real Docker engine through its CLI, and requests to servers' own origins. */
public final class Engine {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private Engine() {}

  /** Runs a docker command; fails with its output when it fails. */
  public static String docker(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("docker"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes()).strip();
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
    }
    return out;
  }

  /** Ids of the containers (running or not) that carry a label. */
  public static List<String> containersLabelled(String label) throws Exception {
    String out = docker("ps", "-aq", "--filter", "label=" + label);
    return out.isBlank() ? List.of() : List.of(out.split("\\s+"));
  }

  /** Removes the containers and volumes of one Berth instance. */
  /** A Berth instance id no other test run has used: its containers are told apart by it. */
  public static String newInstance(String prefix) {
    return prefix
        + Long.toString(java.util.concurrent.ThreadLocalRandom.current().nextLong(1L << 40), 36);
  }

  public static void removeInstance(String instance) throws Exception {
    for (String id : containersLabelled("org.berth.instance=" + instance)) {
      docker("rm", "-f", id);
    }
    for (String v :
        docker("volume", "ls", "-q", "--filter", "label=org.berth.instance=" + instance)
            .split("\\s+")) {
      if (!v.isBlank()) {
        docker("volume", "rm", "-f", v);
      }
    }
  }

  /**
   * Sends a GET to a server's own origin ({@code http://<id>.localhost:<port>/...}) by connecting
   * to 127.0.0.1 and naming the origin in the Host header.
   */
  public static HttpResponse<String> viaOrigin(String url, String authorization)
      throws IOException, InterruptedException {
    return viaOriginWith(
        url, authorization == null ? Map.of() : Map.of("Authorization", authorization));
  }

  /** As {@link #viaOrigin(String, String)}, with any headers (a Cookie, say). */
  public static HttpResponse<String> viaOriginWith(String url, Map<String, String> headers)
      throws IOException, InterruptedException {
    URI uri = URI.create(url);
    String pathAndQuery =
        uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + uri.getPort() + pathAndQuery))
            .header("Host", uri.getHost() + ":" + uri.getPort());
    headers.forEach(b::header);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
