package org.berth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Page;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What a user does with the launch form and the servers it makes, as journeys share it. */
final class Launches {

  static final double READY_MS = 90_000;

  private Launches() {}

  /** Fills in the launch form with {@code fields} (by field name) and sends it. */
  static void submit(Page page, BerthProcess portal, Map<String, String> fields) {
    page.navigate(portal.url("/"));
    fields.forEach(
        (name, value) -> {
          if (name.equals("image")) {
            page.locator("details.advanced summary").click();
          }
          if (name.equals("cullingDisabled")) {
            page.locator("#launch-form [name=cullingDisabled]").setChecked("true".equals(value));
          } else {
            page.fill("#launch-form [name=" + name + "]", value);
          }
        });
    page.waitForNavigation(() -> page.click("#launch-submit"));
  }

  /** Waits until the page has gone on into the server {@code name} on its own origin. */
  static void awaitInServer(Page page, String user, String name) {
    // The path, not the query: the hand-off link on the way names the server's path in its next=.
    page.waitForURL(
        url -> {
          java.net.URI u = java.net.URI.create(url);
          return u.getHost() != null
              && u.getHost().endsWith(".localhost")
              && u.getPath().contains("/user/" + user + "/" + name + "/");
        },
        new Page.WaitForURLOptions().setTimeout(READY_MS));
    page.waitForLoadState();
  }

  /** The server's origin as the page's URL shows it, e.g. {@code http://abc.localhost:1234}. */
  static String origin(Page page) {
    java.net.URI uri = java.net.URI.create(page.url());
    return uri.getScheme() + "://" + uri.getRawAuthority();
  }

  /** Writes a file into the server's home through Jupyter's contents API, as a notebook would. */
  static void writeFile(Page server, String user, String name, String file, String text) {
    Object status =
        server.evaluate(
            "async ([base, text]) => (await fetch(base, {method: 'PUT', headers: {'Content-Type':"
                + " 'application/json'}, body: JSON.stringify({type: 'file', format: 'text',"
                + " content: text})})).status",
            List.of("/user/" + user + "/" + name + "/api/contents/" + file, text));
    assertEquals(201, ((Number) status).intValue(), "the file is written in the server");
  }

  /**
   * Reads a file of the server's home through Jupyter's contents API; null when it is not there.
   */
  static String readFile(Page server, String user, String name, String file) {
    Object text =
        server.evaluate(
            "async (url) => { const r = await fetch(url); return r.ok ? (await r.json()).content :"
                + " null; }",
            "/user/" + user + "/" + name + "/api/contents/" + file + "?type=file&format=text");
    return (String) text;
  }

  /** Kills the server's container behind Berth's back (the proxy then finds nobody answering). */
  static void killContainer(BerthProcess portal, String user, String name)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                "docker",
                "ps",
                "-q",
                "--filter",
                "label=org.berth.instance=" + portal.instanceId(),
                "--filter",
                "label=org.berth.owner=" + user,
                "--filter",
                "label=org.berth.server=" + name));
    Process ps = new ProcessBuilder(command).start();
    List<String> ids =
        new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
            .lines()
            .filter(l -> !l.isBlank())
            .toList();
    ps.waitFor();
    assertEquals(1, ids.size(), "one container for " + user + "/" + name + ": " + ids);
    Process kill =
        new ProcessBuilder("docker", "kill", ids.get(0)).redirectErrorStream(true).start();
    assertTrue(kill.waitFor() == 0 || kill.exitValue() == 0, "docker kill");
  }
}
