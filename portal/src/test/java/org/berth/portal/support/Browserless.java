package org.berth.portal.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A plain HTTP client that behaves like one browser: it keeps cookies, never follows redirects (so
 * tests see them), and reads the CSRF token out of a page.
 */
public final class Browserless {

  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]*)\"");

  private final URI base;
  private final CookieManager cookies = new LoopbackCookies();
  private final HttpClient http;
  private final Map<String, String> always = new LinkedHashMap<>();

  public Browserless(URI base) {
    this.base = base;
    this.http = HttpClient.newBuilder().cookieHandler(cookies).build();
  }

  /** Another browser on the same Berth, with no cookies. */
  public Browserless another() {
    return new Browserless(base);
  }

  /** Sends this header with every request from now on (e.g. the address a front end saw). */
  public Browserless header(String name, String value) {
    always.put(name, value);
    return this;
  }

  public HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(base.resolve(path)).GET());
  }

  public HttpResponse<String> get(String path, Map<String, String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).GET();
    headers.forEach(request::header);
    return send(request);
  }

  public HttpResponse<String> postForm(String path, Map<String, String> form) {
    String body =
        form.entrySet().stream()
            .map(
                e ->
                    URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                        + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    return send(
        HttpRequest.newBuilder(base.resolve(path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  /**
   * Opens {@code formPage}, then posts {@code form} plus that page's CSRF token to {@code path}.
   */
  public HttpResponse<String> submit(String formPage, String path, Map<String, String> form) {
    HttpResponse<String> page = get(formPage);
    Map<String, String> withToken = new LinkedHashMap<>(form);
    withToken.put("_csrf", csrfIn(page.body()));
    return postForm(path, withToken);
  }

  public HttpResponse<String> json(
      String method, String path, String json, Map<String, String> headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(path))
            .header("Content-Type", "application/json")
            .method(
                method,
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json));
    headers.forEach(request::header);
    return send(request);
  }

  /**
   * Keeps cookies as a browser does on loopback, where {@code http://127.0.0.1} counts as a secure
   * context: a {@code Secure} cookie (Keycloak sets them) is kept and sent back over plain HTTP.
   */
  private static final class LoopbackCookies extends CookieManager {
    @Override
    public void put(URI uri, Map<String, java.util.List<String>> headers) throws IOException {
      Map<String, java.util.List<String>> plain = new LinkedHashMap<>();
      headers.forEach(
          (k, v) ->
              plain.put(
                  k,
                  k != null && k.equalsIgnoreCase("Set-Cookie")
                      ? v.stream().map(c -> c.replaceAll("(?i);\\s*Secure", "")).toList()
                      : v));
      super.put(uri, plain);
    }
  }

  public Optional<String> cookie(String name) {
    return cookies.getCookieStore().getCookies().stream()
        .filter(c -> c.getName().equals(name))
        .map(HttpCookie::getValue)
        .findFirst();
  }

  public static String csrfIn(String html) {
    Matcher m = CSRF.matcher(html);
    if (!m.find()) {
      throw new AssertionError("The page has no CSRF token field:\n" + html);
    }
    return m.group(1);
  }

  public static Map<String, String> bearer(String token) {
    return Map.of("Authorization", "Bearer " + token);
  }

  public static Map<String, String> basic(String user, String password) {
    return Map.of(
        "Authorization",
        "Basic "
            + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
  }

  private HttpResponse<String> send(HttpRequest.Builder request) {
    always.forEach(request::setHeader);
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
