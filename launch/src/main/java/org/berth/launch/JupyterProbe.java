package org.berth.launch;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one way Berth asks a Jupyter server how it is: {@code GET {base}/api/status} with the
 * server's token. It answers whether the server is up (readiness) and its {@code last_activity}
 * (kernel work and API use inside the server; asking for the status does not count), which makes it
 * an {@link ActivitySource}. Thread-safe.
 */
public final class JupyterProbe implements ActivitySource {

  private static final Pattern LAST_ACTIVITY =
      Pattern.compile("\"last_activity\"\\s*:\\s*\"([^\"]+)\"");

  private final HttpClient http;
  private final Duration timeout;

  public JupyterProbe(Duration timeout) {
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  /** Whether the server at {@code host:port} answers its status with 200. */
  public boolean answers(String host, int port, String baseUrl, String token) {
    return status(host, port, baseUrl, token).isPresent();
  }

  @Override
  public Optional<Instant> lastActivity(Route route) {
    return status(route.host(), route.port(), route.baseUrl(), route.token())
        .flatMap(JupyterProbe::parseLastActivity);
  }

  /** The {@code last_activity} of a status body; empty when it has none or it is not a time. */
  static Optional<Instant> parseLastActivity(String body) {
    Matcher m = LAST_ACTIVITY.matcher(body);
    if (!m.find()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(m.group(1)));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private Optional<String> status(String host, int port, String baseUrl, String token) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + baseUrl + "api/status"))
            .header("Authorization", "token " + token)
            .timeout(timeout)
            .GET()
            .build();
    try {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? Optional.of(r.body()) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
