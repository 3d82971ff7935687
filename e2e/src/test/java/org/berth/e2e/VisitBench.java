package org.berth.e2e;

import static org.berth.e2e.Bench.docker;
import static org.berth.e2e.Bench.field;
import static org.berth.e2e.Bench.median;
import static org.berth.e2e.Bench.ms;
import static org.berth.e2e.Bench.percentile;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.berth.builder.GitServer;

/**
 * Prints how long a visitor waits from a click until the notebook answers, on an image Berth has
 * cached, against {@code docker run} of the same image until it answers, in one run on one machine.
 * Two visitors:
 *
 * <ul>
 *   <li>a public link: the visitor's browser opens {@code /p/<link>} of a server whose owner turned
 *       public access on, presses Start (a POST with the page's token), follows the visit's events
 *       until ready, is handed over to the visit's origin and asks {@code /api/status} there with
 *       its origin cookie until it answers 200;
 *   <li>a Binder client without an account (Thebe's "activate"): {@code GET
 *       /build/git/<repo>/<ref>} (ref resolved, image found in the registry, a visit started), then
 *       {@code /api/status} through the proxy with the visit's token until 200.
 * </ul>
 *
 * {@code docker run} is measured with the visitors' CPU and memory limits and without. The goal is
 * at most 1.5 times {@code docker run} and under 2 s. A program, not a test: run it with {@code
 * e2e/visit-bench.sh}.
 */
public final class VisitBench {

  private static final int ROUNDS = Integer.getInteger("bench.rounds", 7);
  private static final long POLL_MS = 10;
  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

  /** The visitors' CPUs and memory (Berth's defaults, berth.visits.cpus and .memory). */
  private static final String CPUS = System.getProperty("bench.cpus", "1");

  private static final String MEMORY = System.getProperty("bench.memory", "512M");

  private final BerthProcess portal =
      new BerthProcess()
          .withEnv("BERTH_SOURCES_ALLOW_HOSTS", "127.0.0.1")
          .withEnv("BERTH_BINDER_ANONYMOUS", "true")
          .withEnv("BERTH_VISITS_MAX_PER_LINK", "100")
          .withEnv("BERTH_VISITS_MAX_OVERALL", "100")
          .withEnv("BERTH_VISITS_CPUS", CPUS)
          .withEnv("BERTH_VISITS_MEMORY", MEMORY);
  private final HttpClient http = HttpClient.newHttpClient();
  private final GitServer git = new GitServer();
  private final List<String> plainNames = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    // Lets this program name a visit's origin in the Host header, as a browser would.
    System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host");
    new VisitBench().run();
    System.exit(0);
  }

  private void run() throws Exception {
    Path files = Files.createTempDirectory("berth-visit-bench");
    Files.writeString(
        files.resolve("index.ipynb"),
        "{\"cells\": [], \"metadata\": {}, \"nbformat\": 4, \"nbformat_minor\": 5}\n");
    String repo = git.create("visit-bench", files);
    String build = "/build/git/" + URLEncoder.encode(repo, StandardCharsets.UTF_8) + "/main";
    portal.start("VisitBench");
    // The portal's registry (a container of its own, as in the journeys) holds the Jupyter base.
    String baseImage = portal.registry().jupyterBase();
    try {
      System.out.printf(
          "A visitor's click on a cached image until the notebook answers (%d rounds; visitors"
              + " get %s CPUs and %s):%n",
          ROUNDS, CPUS, MEMORY);

      String link = publicLinkOfAServer();
      publicClick(link); // warm-up
      compare("public link", baseImage, () -> publicClick(link));

      Visit first = binderClick(build); // warm-up: builds the image, the engine pulls it
      awaitStatus(first);
      compare("Binder client (/build)", first.image(), () -> awaitStatus(binderClick(build)));
    } finally {
      for (String name : plainNames) {
        try {
          docker("rm", "-f", name);
        } catch (IllegalStateException gone) {
          // removed already
        }
      }
      portal.stop();
      git.close();
    }
  }

  /** Something timed that may fail. */
  private interface Click {
    void run() throws Exception;
  }

  /** Times {@code click} and {@code docker run} of {@code image} in turns, and prints them. */
  private void compare(String what, String image, Click click) throws Exception {
    String warm = dockerRun(image, name("warm-" + what.hashCode()));
    awaitPlain(warm);
    List<Double> berth = new ArrayList<>();
    List<Double> same = new ArrayList<>();
    List<Double> plain = new ArrayList<>();
    for (int i = 0; i < ROUNDS; i++) {
      long t0 = System.nanoTime();
      click.run();
      berth.add(ms(t0));
      // docker run of the same image, with the visitors' limits, then with none.
      for (boolean limited : new boolean[] {true, false}) {
        String name = name(what.hashCode() + "-" + i + (limited ? "-l" : "-u"));
        t0 = System.nanoTime();
        String port =
            limited
                ? dockerRun(image, name, "--cpus", CPUS, "--memory", MEMORY)
                : dockerRun(image, name);
        awaitPlain(port);
        (limited ? same : plain).add(ms(t0));
        docker("rm", "-f", name);
      }
    }
    double b = median(berth);
    double d = median(same);
    double u = median(plain);
    System.out.printf(
        "  %s: Berth median %.0f ms, p90 %.0f ms%n"
            + "    docker run, same limits: median %.0f ms, p90 %.0f ms; ratio %.2f%n"
            + "    docker run, no limits:   median %.0f ms, p90 %.0f ms; ratio %.2f%n"
            + "    goal (at most 1.50 times, under 2000 ms): %s against the same limits, %s"
            + " against none%n",
        what,
        b,
        percentile(berth, 90),
        d,
        percentile(same, 90),
        b / d,
        u,
        percentile(plain, 90),
        b / u,
        b / d <= 1.5 && b < 2000 ? "met" : "NOT met",
        b / u <= 1.5 && b < 2000 ? "met" : "NOT met");
  }

  private String name(String suffix) {
    String name = "visit-bench-" + suffix.replace('-', 'm') + "-" + portal.instanceId();
    plainNames.add(name);
    return name;
  }

  // --- the public link ---

  /** An owner signs up, launches a server from the default image and turns public access on. */
  private String publicLinkOfAServer() throws Exception {
    HttpClient owner = browser();
    String csrf = csrfOf(get(owner, "/signup"));
    String user = Accounts.uniqueUserName("owner");
    post(owner, "/signup", "_csrf=" + csrf + "&username=" + user + "&password=bench-password-1");
    String session = csrfOf(get(owner, "/"));
    send(owner, json("PUT", "/api/v1/servers/shared", "{\"memory\":\"512M\"}", session), 201);
    String answer =
        send(
                owner,
                json(
                    "PUT",
                    "/api/v1/servers/shared/public",
                    "{\"enabled\":true,\"mounts\":\"none\"}",
                    session),
                200)
            .body();
    String link = field(answer, "link");
    return URI.create(link).getPath();
  }

  /**
   * A new browser follows the public link, presses Start, waits for ready as the visiting page
   * does, is handed over to the visit's origin and asks the notebook until it answers.
   */
  private void publicClick(String link) throws Exception {
    HttpClient visitor = browser();
    String csrf = csrfOf(get(visitor, link));
    HttpResponse<String> started = post(visitor, link, "_csrf=" + csrf);
    String visiting = started.headers().firstValue("Location").orElseThrow();
    HttpResponse<InputStream> events =
        visitor.send(
            HttpRequest.newBuilder(URI.create(portal.url(visiting + "/events"))).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(events.body(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null && !line.replace(" ", "").equals("event:ready")) {
        if (line.replace(" ", "").equals("event:failed")) {
          throw new IllegalStateException("the visit failed");
        }
      }
    }
    // The page's Open: a hand-off to the visit's origin, then the notebook with the cookie.
    URI handoff =
        URI.create(get(visitor, visiting + "/open").headers().firstValue("Location").orElseThrow());
    String host = handoff.getHost() + ":" + handoff.getPort();
    HttpResponse<String> redeemed =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:"
                                + handoff.getPort()
                                + handoff.getRawPath()
                                + "?"
                                + handoff.getRawQuery()))
                    .header("Host", host)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    String cookie = redeemed.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
    String base = visiting.replace("/visits/", "/visit/") + "/";
    poll(
        HttpClient.newHttpClient(),
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + handoff.getPort() + base + "api/status"))
            .header("Host", host)
            .header("Cookie", cookie)
            .build(),
        "the public visit " + base);
  }

  // --- the Binder client ---

  /** A visit as the ready event tells it. */
  private record Visit(String url, String token, String image) {}

  /** The click: BinderHub's build request, read until its ready event. */
  private Visit binderClick(String build) throws Exception {
    HttpResponse<InputStream> stream =
        http.send(
            HttpRequest.newBuilder(URI.create(portal.url(build))).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    if (stream.statusCode() != 200) {
      throw new IllegalStateException("/build answered " + stream.statusCode());
    }
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        if (!line.startsWith("data:")) {
          continue;
        }
        String phase = field(line, "phase");
        if (phase.equals("ready")) {
          return new Visit(field(line, "url"), field(line, "token"), field(line, "image"));
        }
        if (phase.equals("failed")) {
          throw new IllegalStateException("the visit failed: " + line);
        }
      }
    }
    throw new IllegalStateException("/build ended without ready");
  }

  /** Polls the visit's {@code /api/status} through the proxy, with its token, until 200. */
  private void awaitStatus(Visit v) throws Exception {
    URI url = URI.create(v.url());
    HttpRequest r =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + url.getPort() + url.getPath() + "api/status"))
            .header("Host", url.getHost() + ":" + url.getPort())
            .header("Authorization", "token " + v.token())
            .build();
    // A browser opens a connection of its own to each origin; so does this client.
    poll(HttpClient.newHttpClient(), r, v.url());
  }

  // --- docker run ---

  private String dockerRun(String image, String name, String... limits) throws Exception {
    return Bench.dockerRun(portal.instanceId(), image, name, limits);
  }

  private void awaitPlain(String port) throws Exception {
    poll(
        HttpClient.newHttpClient(),
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/status"))
            .header("Authorization", "token plain")
            .build(),
        "docker run on " + port);
  }

  // --- helpers ---

  private static void poll(HttpClient client, HttpRequest r, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      try {
        if (client.send(r, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (java.io.IOException e) {
        // not listening yet
      }
      TimeUnit.MILLISECONDS.sleep(POLL_MS);
    }
    throw new IllegalStateException(what + " never answered");
  }

  private static HttpClient browser() {
    return HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
  }

  private HttpResponse<String> get(HttpClient client, String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create(portal.url(path))).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(HttpClient client, String path, String form) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create(portal.url(path)))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest json(String method, String path, String body, String csrf) {
    return HttpRequest.newBuilder(URI.create(portal.url(path)))
        .header("Content-Type", "application/json")
        .header("X-CSRF-Token", csrf)
        .method(method, HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private static HttpResponse<String> send(HttpClient client, HttpRequest r, int status)
      throws Exception {
    HttpResponse<String> answer = client.send(r, HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() != status) {
      throw new IllegalStateException(
          r.uri() + " answered " + answer.statusCode() + ": " + answer.body());
    }
    return answer;
  }

  private static String csrfOf(HttpResponse<String> page) {
    Matcher m = CSRF.matcher(page.body());
    if (!m.find()) {
      throw new IllegalStateException("no CSRF token in " + page.uri());
    }
    return m.group(1);
  }
}
