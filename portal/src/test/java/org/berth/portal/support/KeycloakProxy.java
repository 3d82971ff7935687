package org.berth.portal.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;

/**
 * Keycloak behind a reverse proxy on loopback, which a test can switch off (every connection is
 * then dropped, as when Keycloak is down) and whose token endpoint's answers it can rewrite (as a
 * party in the middle would). The browser's Host header goes through, so Keycloak names the proxy
 * as its issuer.
 */
public final class KeycloakProxy implements AutoCloseable {

  private static final Set<String> HOP =
      Set.of(
          "connection",
          "content-length",
          "transfer-encoding",
          "host",
          "expect",
          "upgrade",
          "keep-alive");

  private final URI target;
  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();
  private volatile boolean up = true;
  private volatile UnaryOperator<String> tokenAnswers = UnaryOperator.identity();

  public KeycloakProxy(String keycloakUrl) {
    this.target = URI.create(keycloakUrl);
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    server.setExecutor(threads);
    server.createContext("/", this::handle);
    server.start();
  }

  /** The proxy's address, {@code http://127.0.0.1:PORT}. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Keycloak answers (true) or every connection is dropped (false). */
  public void up(boolean answering) {
    this.up = answering;
  }

  /** Rewrites the body of every answer of the token endpoint (identity: as Keycloak sent it). */
  public void tokenAnswers(UnaryOperator<String> rewrite) {
    this.tokenAnswers = rewrite;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!up) {
        return; // closed without an answer: the client sees the connection drop
      }
      String path = exchange.getRequestURI().getRawPath();
      String query = exchange.getRequestURI().getRawQuery();
      URI to = target.resolve(path + (query == null ? "" : "?" + query));
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      HttpRequest.Builder request =
          HttpRequest.newBuilder(to)
              .method(
                  exchange.getRequestMethod(),
                  body.length == 0
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofByteArray(body));
      exchange
          .getRequestHeaders()
          .forEach(
              (name, values) -> {
                if (!HOP.contains(name.toLowerCase())) {
                  values.forEach(v -> request.header(name, v));
                }
              });
      boolean token = path.endsWith("/protocol/openid-connect/token");
      request.header("Host", exchange.getRequestHeaders().getFirst("Host"));
      HttpResponse<byte[]> answer;
      try {
        answer = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      byte[] out = answer.body();
      if (token && answer.statusCode() == 200) {
        out =
            tokenAnswers
                .apply(new String(out, java.nio.charset.StandardCharsets.UTF_8))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
      }
      answer
          .headers()
          .map()
          .forEach(
              (name, values) -> {
                if (!HOP.contains(name.toLowerCase()) && !name.startsWith(":")) {
                  exchange.getResponseHeaders().put(name, List.copyOf(values));
                }
              });
      exchange.sendResponseHeaders(answer.statusCode(), out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        exchange.getResponseBody().write(out);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
