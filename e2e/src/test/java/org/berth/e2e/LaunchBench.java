package org.berth.e2e;

import static org.berth.e2e.Bench.docker;
import static org.berth.e2e.Bench.field;
import static org.berth.e2e.Bench.median;
import static org.berth.e2e.Bench.ms;
import static org.berth.e2e.Bench.percentile;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.berth.imagecache.testing.TestImages;

/**
 * Prints launch and proxy figures, Berth against the plain engine and a direct connection, in one
 * run on one machine. A program, not a test: run it with {@code e2e/bench.sh}.
 */
public final class LaunchBench {

  private static final int LAUNCHES = 5;
  private static final int REQUESTS = 2000;
  private static final Duration THROUGHPUT_WINDOW = Duration.ofSeconds(5);
  private static final int CONCURRENCY = 8;
  private static final int ECHOES = 300;

  private final BerthProcess portal = new BerthProcess();
  private final HttpClient http = HttpClient.newHttpClient();

  /** The Jupyter base, as the engine has it: the portal's default image, and docker run's. */
  private final String image = TestImages.jupyterBase();

  private String token;

  /** The first user's signed-in browser session, for the "Open" hand-off. */
  private HttpClient session;

  public static void main(String[] args) throws Exception {
    // Lets this program name a server's origin in the Host header, as a browser would.
    System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host");
    new LaunchBench().run();
    System.exit(0);
  }

  private void run() throws Exception {
    portal.start("LaunchBench");
    try {
      token = signUpAndGetToken();
      launchVersusDockerRun();
      proxyVersusDirect();
      int concurrent = Integer.getInteger("bench.concurrent", 50);
      if (concurrent > 0) {
        concurrentLaunches(concurrent);
      }
    } finally {
      portal.stop();
    }
  }

  private void launchVersusDockerRun() throws Exception {
    List<Double> berth = new ArrayList<>();
    List<Double> plain = new ArrayList<>();
    for (int i = 0; i < LAUNCHES; i++) {
      long t0 = System.nanoTime();
      HttpResponse<String> r = api("PUT", "/api/v1/servers/l" + i, "{}");
      berth.add(ms(t0));
      check(r, 201);
      t0 = System.nanoTime();
      String name = "bench-plain-" + i + "-" + portal.instanceId();
      String port = dockerRun(name);
      awaitStatus("http://127.0.0.1:" + port + "/api/status", "plain");
      plain.add(ms(t0));
      docker("rm", "-f", name);
    }
    System.out.printf(
        "cached launch, click-to-ready: Berth median %.0f ms, docker run median %.0f ms, ratio %.2f%n",
        median(berth), median(plain), median(berth) / median(plain));
  }

  private void proxyVersusDirect() throws Exception {
    Map<String, String> server = server("l0");
    URI url = URI.create(server.get("url"));
    String host = url.getHost() + ":" + url.getPort();
    String cookie = handoffCookie("l0", host);
    String containerPort =
        docker("port", "berth-" + url.getHost().split("\\.")[0], "8888").replaceAll(".*:", "");
    String serverToken =
        docker(
                "inspect",
                "-f",
                "{{range .Config.Env}}{{println .}}{{end}}",
                "berth-" + url.getHost().split("\\.")[0])
            .lines()
            .filter(l -> l.startsWith("JUPYTER_TOKEN="))
            .findFirst()
            .orElseThrow()
            .substring(14);
    String path = url.getPath() + "api/status";
    HttpRequest viaBerth =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + url.getPort() + path))
            .header("Host", host)
            .header("Cookie", cookie)
            .build();
    HttpRequest direct =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + containerPort + path))
            .header("Authorization", "token " + serverToken)
            .build();
    latency("warm-up", viaBerth, 200);
    latency("warm-up", direct, 200);
    double[] b = latency("Berth", viaBerth, REQUESTS);
    double[] d = latency("direct", direct, REQUESTS);
    System.out.printf(
        "proxy latency, small GET: Berth p50 %.3f ms p99 %.3f ms; direct p50 %.3f ms p99 %.3f ms;"
            + " added at p50 %.3f ms%n",
        b[0], b[1], d[0], d[1], b[0] - d[0]);
    double tb = throughput(viaBerth);
    double td = throughput(direct);
    System.out.printf(
        "proxy throughput, %d clients: Berth %.0f req/s, direct %.0f req/s, ratio %.2f%n",
        CONCURRENCY, tb, td, tb / td);
    webSocket(url, host, cookie, containerPort, serverToken);
  }

  private void webSocket(
      URI url, String host, String cookie, String containerPort, String serverToken)
      throws Exception {
    HttpResponse<String> kernel =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + containerPort + url.getPath() + "api/kernels"))
                .header("Authorization", "token " + serverToken)
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    check(kernel, 201);
    String kernelId = field(kernel.body(), "id");
    String wsPath = url.getPath() + "api/kernels/" + kernelId + "/channels";
    double direct;
    double berth;
    try {
      direct =
          echo(
              HttpClient.newHttpClient()
                  .newWebSocketBuilder()
                  .header("Authorization", "token " + serverToken),
              "ws://127.0.0.1:" + containerPort + wsPath);
    } catch (Exception e) {
      System.out.println("WebSocket round trip direct: not measured (" + e + ")");
      return;
    }
    try {
      berth =
          echo(
              HttpClient.newHttpClient()
                  .newWebSocketBuilder()
                  .header("Host", host)
                  .header("Cookie", cookie),
              "ws://127.0.0.1:" + url.getPort() + wsPath);
    } catch (Exception e) {
      System.out.println("WebSocket round trip through Berth: not measured (" + e + ")");
      return;
    }
    System.out.printf(
        "WebSocket round trip (kernel_info request/reply), median: Berth %.3f ms, direct %.3f ms, ratio %.2f%n",
        berth, direct, berth / direct);
  }

  /** Median time for a kernel_info_request to get its reply on the shell channel. */
  private static double echo(WebSocket.Builder builder, String uri) throws Exception {
    List<Double> times = new ArrayList<>();
    String session = java.util.UUID.randomUUID().toString();
    uri = uri + "?session_id=" + session;
    StringBuilder buffer = new StringBuilder();
    final CompletableFuture<?>[] reply = {new CompletableFuture<>()};
    WebSocket ws =
        builder
            .buildAsync(
                URI.create(uri),
                new WebSocket.Listener() {
                  @Override
                  public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                    buffer.append(data);
                    if (last) {
                      String msg = buffer.toString();
                      buffer.setLength(0);
                      if (msg.contains("\"kernel_info_reply\"")) {
                        reply[0].complete(null);
                      }
                    }
                    w.request(1);
                    return null;
                  }
                })
            .get(10, TimeUnit.SECONDS);
    for (int i = 0; i < ECHOES + 20; i++) {
      reply[0] = new CompletableFuture<>();
      String msg =
          "{\"header\":{\"msg_id\":\"m"
              + i
              + "\",\"username\":\"b\",\"session\":\""
              + session
              + "\",\"msg_type\":"
              + "\"kernel_info_request\",\"version\":\"5.3\"},\"parent_header\":{},\"metadata\":{},"
              + "\"content\":{},\"channel\":\"shell\"}";
      long t0 = System.nanoTime();
      ws.sendText(msg, true).get(5, TimeUnit.SECONDS);
      try {
        reply[0].get(10, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        throw new IllegalStateException("no kernel_info_reply to message " + i + " on " + uri, e);
      }
      if (i >= 20) {
        times.add(ms(t0));
      }
    }
    ws.abort();
    return median(times);
  }

  private void concurrentLaunches(int count) throws Exception {
    // Each user may have a few servers; spread the launches over enough users.
    int perUser = 3;
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < (count + perUser - 1) / perUser; i++) {
      tokens.add(signUpAndGetToken());
    }
    ExecutorService pool = Executors.newFixedThreadPool(count);
    List<Future<Double>> results = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int i = 0; i < count; i++) {
      String t = tokens.get(i / perUser);
      String name = "c" + i;
      results.add(
          pool.submit(
              () -> {
                long s = System.nanoTime();
                HttpResponse<String> r =
                    http.send(
                        request("PUT", "/api/v1/servers/" + name, "{\"memory\":\"256M\"}", t),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 201) {
                  System.out.println(
                      "  launch " + name + " failed: " + r.statusCode() + " " + r.body());
                  return -1.0;
                }
                return ms(s);
              }));
    }
    List<Double> ok = new ArrayList<>();
    int failures = 0;
    for (Future<Double> f : results) {
      double v = f.get(10, TimeUnit.MINUTES);
      if (v < 0) {
        failures++;
      } else {
        ok.add(v);
      }
    }
    pool.shutdown();
    Collections.sort(ok);
    System.out.printf(
        "%d concurrent launches: %d failures, p50 %.0f ms, p99 %.0f ms to ready, all in %.1f s%n",
        count, failures, percentile(ok, 50), percentile(ok, 99), ms(t0) / 1000);
  }

  private double[] latency(String label, HttpRequest request, int n) throws Exception {
    List<Double> times = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      HttpResponse<Void> r = http.send(request, HttpResponse.BodyHandlers.discarding());
      times.add(ms(t0));
      if (r.statusCode() != 200) {
        throw new IllegalStateException(label + " answered " + r.statusCode());
      }
    }
    Collections.sort(times);
    return new double[] {percentile(times, 50), percentile(times, 99)};
  }

  private double throughput(HttpRequest request) throws Exception {
    AtomicLong done = new AtomicLong();
    long end = System.nanoTime() + THROUGHPUT_WINDOW.toNanos();
    ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY);
    for (int i = 0; i < CONCURRENCY; i++) {
      pool.submit(
          () -> {
            HttpClient client = HttpClient.newHttpClient();
            while (System.nanoTime() < end) {
              client.send(request, HttpResponse.BodyHandlers.discarding());
              done.incrementAndGet();
            }
            return null;
          });
    }
    pool.shutdown();
    pool.awaitTermination(THROUGHPUT_WINDOW.toSeconds() + 30, TimeUnit.SECONDS);
    return done.get() / (double) THROUGHPUT_WINDOW.toSeconds();
  }

  private String signUpAndGetToken() throws Exception {
    String user = Accounts.uniqueUserName("bench");
    HttpClient browser =
        HttpClient.newBuilder().cookieHandler(new java.net.CookieManager()).build();
    String page =
        browser
            .send(
                HttpRequest.newBuilder(URI.create(portal.url("/signup"))).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    Matcher m = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(page);
    m.find();
    String form = "_csrf=" + m.group(1) + "&username=" + user + "&password=bench-password-1";
    browser.send(
        HttpRequest.newBuilder(URI.create(portal.url("/signup")))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build(),
        HttpResponse.BodyHandlers.discarding());
    HttpResponse<String> t =
        http.send(
            HttpRequest.newBuilder(URI.create(portal.url("/api/v1/tokens")))
                .header("Content-Type", "application/json")
                .header(
                    "Authorization",
                    "Basic "
                        + Base64.getEncoder()
                            .encodeToString(
                                (user + ":bench-password-1").getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"bench\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    check(t, 201);
    if (session == null) {
      // Sign-up signed this client in: its cookie is the session that opens servers.
      session = browser;
    }
    return field(t.body(), "token");
  }

  /** Follows the hand-off a browser would get from "Open", using the token holder's session. */
  private String handoffCookie(String name, String host) throws Exception {
    // The signed-in owner opens the server: the portal answers with a one-time hand-off link.
    HttpResponse<String> open =
        session.send(
            HttpRequest.newBuilder(URI.create(portal.url("/servers/" + name + "/open"))).build(),
            HttpResponse.BodyHandlers.ofString());
    String location = open.headers().firstValue("Location").orElse(null);
    if (location == null) {
      throw new IllegalStateException("no hand-off link: " + open.statusCode() + " " + open.body());
    }
    URI link = URI.create(location);
    HttpResponse<String> redeemed =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + link.getPort()
                            + link.getRawPath()
                            + "?"
                            + link.getRawQuery()))
                .header("Host", host)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    String setCookie = redeemed.headers().firstValue("Set-Cookie").orElseThrow();
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  private Map<String, String> server(String name) throws Exception {
    String body = api("GET", "/api/v1/servers/" + name, null).body();
    return Map.of("url", field(body, "url"));
  }

  private HttpResponse<String> api(String method, String path, String body) throws Exception {
    return http.send(request(method, path, body, token), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest request(String method, String path, String body, String bearer) {
    return HttpRequest.newBuilder(URI.create(portal.url(path)))
        .header("Authorization", "Bearer " + bearer)
        .header("Content-Type", "application/json")
        .method(
            method,
            body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private String dockerRun(String name) throws Exception {
    return Bench.dockerRun(portal.instanceId(), image, name);
  }

  private void awaitStatus(String url, String tokenValue) throws Exception {
    HttpRequest r =
        HttpRequest.newBuilder(URI.create(url))
            .header("Authorization", "token " + tokenValue)
            .build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      try {
        if (http.send(r, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (java.io.IOException e) {
        // not listening yet
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
    throw new IllegalStateException(url + " never answered");
  }

  private static void check(HttpResponse<String> r, int status) {
    if (r.statusCode() != status) {
      throw new IllegalStateException(
          "expected " + status + ", got " + r.statusCode() + ": " + r.body());
    }
  }
}
