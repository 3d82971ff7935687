package org.berth.builder;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback HTTP front of the real registry that forwards every request and records it: what Berth
 * asked the registry, seen from the registry's side (blob uploads, mounts, their bytes and times).
 * Images pushed through it are in the real registry under the same repository and tag.
 */
public final class RegistryRecorder implements AutoCloseable {
  /** One request as the registry received it. */
  public record Request(
      String method, String path, String query, long bytes, long start, long end, int status) {
    /** The repository a {@code /v2/<repository>/blobs|manifests/...} request is about. */
    public String repository() {
      int blobs = path.indexOf("/blobs/");
      int manifests = path.indexOf("/manifests/");
      int end = blobs >= 0 ? blobs : manifests;
      return end < 0 ? "" : path.substring("/v2/".length(), end);
    }

    /** The digest a finished upload ({@code PUT ...?digest=}) stored, else empty. */
    public String uploadedDigest() {
      if (!method.equals("PUT") || query == null || !path.contains("/blobs/uploads/")) {
        return "";
      }
      for (String param : query.split("&")) {
        if (param.startsWith("digest=")) {
          return java.net.URLDecoder.decode(
              param.substring(7), java.nio.charset.StandardCharsets.UTF_8);
        }
      }
      return "";
    }
  }

  private static final Set<String> HOP =
      Set.of("host", "content-length", "connection", "transfer-encoding", "expect", "upgrade");

  private final String upstream;
  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final List<Request> requests = new ArrayList<>();

  /**
   * @param upstream the real registry, e.g. {@code 127.0.0.1:5000}
   */
  public RegistryRecorder(String upstream) {
    this.upstream = upstream;
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(threads);
    server.createContext("/", this::forward);
    server.start();
  }

  /** Where Berth should find the registry: {@code 127.0.0.1:<port>}. */
  public String address() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /** The requests so far, in the order they ended. */
  public List<Request> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  /** Forgets the requests so far. */
  public void clear() {
    synchronized (requests) {
      requests.clear();
    }
  }

  /** Digests of the blobs uploaded into {@code repository} (finished uploads only). */
  public List<String> uploaded(String repository) {
    return requests().stream()
        .filter(
            r -> !r.uploadedDigest().isEmpty() && r.path().startsWith("/v2/" + repository + "/"))
        .map(Request::uploadedDigest)
        .toList();
  }

  /**
   * Bytes sent to the registry in blob uploads ({@code PATCH} and {@code PUT}) of any repository.
   */
  public long uploadedBytes() {
    return requests().stream()
        .filter(r -> r.path().contains("/blobs/uploads/"))
        .mapToLong(Request::bytes)
        .sum();
  }

  private void forward(HttpExchange exchange) throws IOException {
    long start = System.nanoTime();
    String method = exchange.getRequestMethod();
    URI uri = exchange.getRequestURI();
    String query = uri.getRawQuery();
    AtomicLong bytes = new AtomicLong();
    try (exchange) {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(
              URI.create(
                  "http://" + upstream + uri.getRawPath() + (query == null ? "" : "?" + query)));
      exchange
          .getRequestHeaders()
          .forEach(
              (name, values) -> {
                if (!HOP.contains(name.toLowerCase())) {
                  values.forEach(v -> request.header(name, v));
                }
              });
      boolean body = Set.of("PUT", "POST", "PATCH").contains(method);
      InputStream in = exchange.getRequestBody();
      request.method(
          method,
          body
              ? HttpRequest.BodyPublishers.ofInputStream(() -> counting(in, bytes))
              : HttpRequest.BodyPublishers.noBody());
      HttpResponse<InputStream> response;
      try {
        response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        exchange.sendResponseHeaders(502, -1);
        return;
      }
      response
          .headers()
          .map()
          .forEach(
              (name, values) -> {
                if (!HOP.contains(name.toLowerCase()) && !name.startsWith(":")) {
                  for (String v : values) {
                    exchange
                        .getResponseHeaders()
                        .add(name, v.replace("://" + upstream + "/", "://" + address() + "/"));
                  }
                }
              });
      long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
      try (InputStream from = response.body()) {
        if (method.equals("HEAD") || length == 0) {
          exchange.sendResponseHeaders(response.statusCode(), -1);
        } else {
          exchange.sendResponseHeaders(response.statusCode(), Math.max(0, length));
          try (OutputStream to = exchange.getResponseBody()) {
            from.transferTo(to);
          }
        }
      }
      synchronized (requests) {
        requests.add(
            new Request(
                method,
                uri.getRawPath(),
                query,
                bytes.get(),
                start,
                System.nanoTime(),
                response.statusCode()));
      }
    }
  }

  private static InputStream counting(InputStream in, AtomicLong bytes) {
    return new java.io.FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          bytes.incrementAndGet();
        }
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
          bytes.addAndGet(n);
        }
        return n;
      }
    };
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
