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
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue #12's attack in a real browser. Server origins sit under one site, {@code
 * *.berth.localhost}, as they do in production ({@code *.berth.example}): the browser then sends a
 * server origin's SameSite=Lax cookie along with requests that any page of that site makes. A page
 * on another origin of the site (here served by the test; in production another user's server)
 * tries to open a terminal on the victim's server and type into it.
 */
class CrossSiteAttackIT {

  @RegisterExtension
  static final BerthProcess PORTAL =
      new BerthProcess().withEnv("BERTH_PROXY_DOMAIN", "berth.localhost");

  @RegisterExtension static final BrowserFixture BROWSER = new BrowserFixture();

  private static final String PASSWORD = "sea-shanty-42";

  /** Opens a terminal on the target server and types a command into it, as far as it can. */
  private static final String ATTACK =
      """
      <!DOCTYPE html><title>Nothing to see</title>
      <script>
      async function attack(server) {
        const result = {};
        try {
          await fetch(server + 'api/terminals', {method: 'POST', credentials: 'include',
                                                mode: 'no-cors'});
          result.post = 'sent';
        } catch (e) {
          result.post = 'failed';
        }
        result.ws = await new Promise(done => {
          const ws = new WebSocket(server.replace('http', 'ws') + 'terminals/websocket/1');
          ws.onopen = () => {
            ws.send(JSON.stringify(['stdin', 'touch /home/jovyan/pwned\\r']));
            setTimeout(() => done('open'), 1500);
          };
          ws.onerror = () => done('refused');
          setTimeout(() => done('no answer'), 10000);
        });
        return result;
      }
      </script>
      """;

  private static HttpServer attacker;

  @BeforeAll
  static void attackersSite() throws Exception {
    attacker = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    attacker.createContext(
        "/",
        exchange -> {
          byte[] body = ATTACK.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    attacker.start();
  }

  @AfterAll
  static void stopAttacker() {
    attacker.stop(0);
  }

  @Test
  void aPageOfTheSameSiteCannotOpenATerminalOnMyServer(Page page, BrowserContext context)
      throws Exception {
    String user = Accounts.uniqueUserName("bob");
    Accounts.signUp(page, PORTAL, user, PASSWORD); // lands signed in
    Launches.submit(page, PORTAL, java.util.Map.of("name", "b", "memory", "256M"));
    Launches.awaitInServer(page, user, "b"); // the ready server opens by itself
    Page jupyter = page;
    assertThat(jupyter.locator("#notebook_list"))
        .isVisible(new LocatorAssertions.IsVisibleOptions().setTimeout(Launches.READY_MS));
    URI landed = URI.create(jupyter.url());
    assertTrue(landed.getHost().endsWith(".berth.localhost"), jupyter.url());
    String server = landed.getScheme() + "://" + landed.getRawAuthority() + "/user/" + user + "/b/";

    // Bob, still signed in to his server, visits a page of the same site.
    Page evil = context.newPage();
    evil.navigate("http://attacker.berth.localhost:" + attacker.getAddress().getPort() + "/");
    @SuppressWarnings("unchecked")
    Map<String, Object> result =
        (Map<String, Object>) evil.evaluate("server => attack(server)", server);
    assertEquals("refused", result.get("ws"), result.toString());

    Object terminals =
        jupyter.evaluate(
            "async server => (await (await fetch(server + 'api/terminals')).json()).length",
            server);
    assertEquals(0, ((Number) terminals).intValue(), "no terminal was opened for the attacker");
    String container = "berth-" + landed.getHost().substring(0, landed.getHost().indexOf('.'));
    Process check =
        new ProcessBuilder("docker", "exec", container, "test", "-e", "/home/jovyan/pwned").start();
    assertEquals(1, check.waitFor(), "the attacker's command never ran");

    // Bob's own page still opens and closes terminals.
    Object status =
        jupyter.evaluate(
            "async server => { const r = await fetch(server + 'api/terminals', {method: 'POST'});"
                + " const t = await r.json(); await fetch(server + 'api/terminals/' + t.name,"
                + " {method: 'DELETE'}); return r.status; }",
            server);
    assertEquals(200, ((Number) status).intValue());

    // The page Jupyter served carries no usable token (Berth blanks it out).
    Object token = jupyter.evaluate("document.body.dataset.jupyterApiToken || ''");
    assertTrue(token.toString().matches("x*"), "token in the page: " + token);
  }
}
