package org.berth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Checks the browser harness itself, without the portal: the journeys drive the Chromium installed
 * on this machine, offline, and that browser reaches per-server origins on {@code *.localhost}
 * subdomains, which the design relies on.
 */
class BrowserHarnessIT {

  @RegisterExtension static final BrowserFixture BROWSER = new BrowserFixture();

  private static HttpServer server;

  @BeforeAll
  static void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String host = exchange.getRequestHeaders().getFirst("Host");
          byte[] body =
              ("<!doctype html><title>origin</title><h1 id=\"origin\">Served for " + host + "</h1>")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
  }

  @AfterAll
  static void stopServer() {
    server.stop(0);
  }

  @Test
  void drivesTheInstalledChromium(Browser browser) throws Exception {
    Process version =
        new ProcessBuilder(BrowserFixture.chromium().toString(), "--version")
            .redirectErrorStream(true)
            .start();
    String printed = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(version.waitFor(30, TimeUnit.SECONDS), "chromium --version did not finish");
    Matcher number = Pattern.compile("(\\d+\\.\\d+\\.\\d+\\.\\d+)").matcher(printed);
    assertTrue(number.find(), "no version in: " + printed);

    assertEquals(number.group(1), browser.version());
  }

  @Test
  void reachesServerOriginsOnLocalhostSubdomains(Page page) {
    String origin = "http://abc123.localhost:" + server.getAddress().getPort();

    Response response = page.navigate(origin + "/");

    assertEquals(200, response.status());
    assertEquals(
        "Served for abc123.localhost:" + server.getAddress().getPort(),
        page.locator("#origin").textContent());
  }

  @Test
  void thePageAuditCatchesWhatItLooksFor(Browser browser) {
    BrowserContext phone = PageAudit.context(browser, PageAudit.PHONE);
    try {
      Page page = phone.newPage();
      page.setContent(
          "<!DOCTYPE html><html><head><title>t</title></head><body><main>"
              + "<img src='x.png'><div style='width: 600px'>wide</div></main></body></html>");
      AssertionError axe =
          org.junit.jupiter.api.Assertions.assertThrows(
              AssertionError.class, () -> PageAudit.noSeriousAxeViolation(page, "bad", 375));
      assertTrue(axe.getMessage().contains("image-alt (critical)"), axe.getMessage());
      assertTrue(axe.getMessage().contains("html-has-lang (serious)"), axe.getMessage());
      AssertionError wide =
          org.junit.jupiter.api.Assertions.assertThrows(
              AssertionError.class, () -> PageAudit.noSidewaysScroll(page, "bad", 375));
      assertTrue(wide.getMessage().contains("scrolls sideways"), wide.getMessage());
    } finally {
      phone.close();
    }
  }
}
