package org.berth.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.berth.builder.GitServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real Binder client: a static page on another origin (served on loopback by the test) uses Thebe
 * (the npm package {@code thebe}, not code of ours) with its binder URL pointed at Berth and a
 * repository on a loopback git server. In Chromium, with nobody signed in, Thebe asks Berth's
 * {@code /build} for a server, gets a visitor's temporary server and its token, starts a kernel
 * through it and runs a cell; the test reads the cell's output. Nothing leaves the machine.
 */
class ThebeJourneyIT {

  static final NpmPackage THEBE =
      new NpmPackage(
          "thebe",
          "0.9.3",
          "sha512-Rb/7kVhtlffXra3kIe7OuIGE7awsm2/fGWxw21DiNfnWLnUQiDl9AWqYdshPwZPG/5DzLpsJRPix2xtCPtJmQQ==");

  @RegisterExtension
  static final BerthProcess PORTAL =
      new BerthProcess()
          .withEnv("BERTH_SOURCES_ALLOW_HOSTS", "127.0.0.1")
          .withEnv("BERTH_BINDER_ANONYMOUS", "true");

  @RegisterExtension static final BrowserFixture BROWSER = new BrowserFixture();

  private static final GitServer GIT = new GitServer();
  private static HttpServer site;
  private static String repo;

  @BeforeAll
  static void siteWithThebe() throws Exception {
    Path files = Files.createTempDirectory("berth-thebe-repo");
    Files.writeString(files.resolve("data.txt"), "tide 4.2m\n");
    repo = GIT.create("thebe-lesson", files);
    Path lib = THEBE.unpacked("package/lib/");
    site = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    site.createContext(
        "/",
        exchange -> {
          String path = exchange.getRequestURI().getPath();
          byte[] body;
          String type;
          if (path.equals("/")) {
            body = page().getBytes(StandardCharsets.UTF_8);
            type = "text/html; charset=utf-8";
          } else if (path.startsWith("/thebe/") && !path.contains("..")) {
            Path file = lib.resolve(path.substring("/thebe/".length()));
            if (!Files.isRegularFile(file)) {
              exchange.sendResponseHeaders(404, -1);
              exchange.close();
              return;
            }
            body = Files.readAllBytes(file);
            type = path.endsWith(".css") ? "text/css" : "application/javascript";
          } else {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
            return;
          }
          exchange.getResponseHeaders().set("Content-Type", type);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    site.start();
  }

  @AfterAll
  static void stop() {
    GIT.close();
    if (site != null) {
      site.stop(0);
    }
  }

  /** The lesson page, as a course site would publish it with Thebe. */
  private static String page() {
    return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>A lesson with live code</title>
        <script type="text/x-thebe-config">
          {"bootstrap": true, "requestKernel": true, "mountActivateWidget": false,
           "mathjaxUrl": "/no-mathjax.js",
           "binderOptions": {"repo": "%s", "ref": "main", "binderUrl": "%s", "repoProvider": "git"},
           "savedSessionOptions": {"enabled": false},
           "kernelOptions": {"name": "python3"}}
        </script>
        <link rel="stylesheet" href="/thebe/thebe.css">
        <script src="/thebe/index.js"></script>
        </head><body>
        <h1>Tides</h1>
        <pre data-executable="true" data-language="python">print(open('data.txt').read().strip(), 6 * 7)</pre>
        </body></html>
        """
        .formatted(repo, PORTAL.baseUrl());
  }

  @Test
  void thebeGetsAVisitorsServerFromBerthAndRunsACell(Page page, BrowserContext context) {
    // Traffic stays home: anything but loopback is refused and remembered.
    List<String> outside = new CopyOnWriteArrayList<>();
    context.route(
        "**/*",
        route -> {
          String host = URI.create(route.request().url()).getHost();
          if (host != null && (host.equals("127.0.0.1") || host.endsWith("localhost"))) {
            route.resume();
          } else {
            outside.add(route.request().url());
            route.abort();
          }
        });
    List<String> console = new ArrayList<>();
    page.onConsoleMessage(m -> console.add(m.type() + ": " + m.text()));

    page.navigate("http://127.0.0.1:" + site.getAddress().getPort() + "/");
    // Thebe turns the block into a cell with a run button at once; the cell runs once Thebe has
    // a kernel (built, started, connected), so the run is asked for until an output comes.
    var run = page.locator(".thebe-controls .thebe-run-button").first();
    assertThat(run).isVisible(new LocatorAssertions.IsVisibleOptions().setTimeout(60_000));
    var output = page.locator(".thebe-output").first();
    long deadline = System.nanoTime() + java.time.Duration.ofMinutes(5).toNanos();
    while (!output.innerText().contains("tide 4.2m 42")) {
      assertTrue(
          System.nanoTime() < deadline, "no output; the page said:\n" + String.join("\n", console));
      run.click();
      page.waitForTimeout(2_000);
    }
    // It ran in a visitor's server on its own origin, reached with the visit's token.
    @SuppressWarnings("unchecked")
    List<String> resources =
        (List<String>)
            page.evaluate("() => performance.getEntriesByType('resource').map(e => e.name)");
    assertTrue(
        resources.stream().anyMatch(u -> u.matches("http://[a-z0-9]+\\.localhost:\\d+/visit/.*")),
        resources.toString());
    assertEquals(List.of(), outside.stream().filter(u -> !u.contains("no-mathjax")).toList());
  }
}
