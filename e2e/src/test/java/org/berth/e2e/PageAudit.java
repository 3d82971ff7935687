package org.berth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks a page as people on any screen meet it: nothing scrolls sideways, axe-core finds no
 * serious or critical violation, focus shows, and a full-page screenshot is saved to {@code
 * target/screenshots/<name>-<width>.png} to look at.
 */
final class PageAudit {

  /** The widths every page is checked at: a laptop and a small phone. */
  static final int DESKTOP = 1280;

  static final int PHONE = 375;

  private PageAudit() {}

  /**
   * A browser context of {@code width} CSS pixels. It bypasses Content-Security-Policy only so that
   * axe-core can be injected; pages' own scripts are files under /static either way.
   */
  static BrowserContext context(Browser browser, int width) {
    Browser.NewContextOptions options =
        new Browser.NewContextOptions().setBypassCSP(true).setViewportSize(width, 900);
    if (width <= PHONE) {
      options.setViewportSize(width, 740).setIsMobile(true).setHasTouch(true);
    }
    BrowserContext context = browser.newContext(options);
    context.setDefaultTimeout(15_000);
    return context;
  }

  /** All checks, then the screenshot (taken even when a check fails, to see why). */
  static void check(Page page, String name, int width) {
    try {
      noSidewaysScroll(page, name, width);
      noSeriousAxeViolation(page, name, width);
    } finally {
      screenshot(page, name, width);
    }
  }

  static void noSidewaysScroll(Page page, String name, int width) {
    @SuppressWarnings("unchecked")
    Map<String, Object> sizes =
        (Map<String, Object>)
            page.evaluate(
                "() => ({scroll: document.documentElement.scrollWidth,"
                    + " client: document.documentElement.clientWidth,"
                    + " wide: Array.from(document.querySelectorAll('body *'))"
                    + ".filter(e => e.getBoundingClientRect().right >"
                    + " document.documentElement.clientWidth + 1)"
                    + ".slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')"
                    + " + (e.className && typeof e.className === 'string' ? '.' +"
                    + " e.className.trim().replace(/\\s+/g, '.') : ''))})");
    int scroll = ((Number) sizes.get("scroll")).intValue();
    int client = ((Number) sizes.get("client")).intValue();
    assertTrue(
        scroll <= client,
        name
            + " at "
            + width
            + " px scrolls sideways ("
            + scroll
            + " > "
            + client
            + "); too wide: "
            + sizes.get("wide"));
  }

  static void noSeriousAxeViolation(Page page, String name, int width) {
    if ("undefined".equals(page.evaluate("() => typeof axe"))) {
      page.addScriptTag(new Page.AddScriptTagOptions().setContent(AxeCore.source()));
    }
    @SuppressWarnings("unchecked")
    List<String> violations =
        (List<String>)
            page.evaluate(
                "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                    + ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
                    + ".map(v => v.id + ' (' + v.impact + '): ' + v.help + ' at '"
                    + " + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))");
    assertEquals(
        List.of(),
        violations,
        name + " at " + width + " px has serious or critical accessibility violations");
  }

  /**
   * Tabs through the page: the first stop is the skip link, shown on screen; every button and
   * button-styled link shows a focus ring outside itself (so it shows against any button colour).
   * Answers how many buttons it saw focused.
   */
  static int focusShows(Page page, String name) {
    page.evaluate(
        "() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }");
    page.keyboard().press("Tab");
    @SuppressWarnings("unchecked")
    Map<String, Object> skip =
        (Map<String, Object>)
            page.evaluate(
                "() => { const e = document.activeElement, r = e.getBoundingClientRect();"
                    + " return {cls: e.className, top: r.top, visible: r.bottom > 0}; }");
    assertEquals("skip", skip.get("cls"), name + ": the first Tab reaches the skip link");
    assertEquals(Boolean.TRUE, skip.get("visible"), name + ": the focused skip link is on screen");
    List<String> missing = new ArrayList<>();
    int buttons = 0;
    for (int i = 0; i < 40; i++) {
      page.keyboard().press("Tab");
      @SuppressWarnings("unchecked")
      Map<String, Object> f =
          (Map<String, Object>)
              page.evaluate(
                  "() => { const e = document.activeElement; if (!e || e === document.body)"
                      + " return null; const s = getComputedStyle(e);"
                      + " return {tag: e.tagName, cls: String(e.className), text:"
                      + " (e.textContent || '').trim().slice(0, 30), style: s.outlineStyle,"
                      + " width: parseFloat(s.outlineWidth), offset: parseFloat(s.outlineOffset)}; }");
      if (f == null) {
        break;
      }
      boolean button =
          "BUTTON".equals(f.get("tag")) || String.valueOf(f.get("cls")).contains("button");
      if (!button) {
        continue;
      }
      buttons++;
      boolean ring =
          !"none".equals(f.get("style"))
              && ((Number) f.get("width")).doubleValue() >= 2
              && ((Number) f.get("offset")).doubleValue() >= 1;
      if (!ring) {
        missing.add(f.get("text") + " (" + f.get("cls") + ")");
      }
    }
    assertEquals(List.of(), missing, name + ": buttons without a visible focus ring");
    return buttons;
  }

  static Path screenshot(Page page, String name, int width) {
    try {
      Path dir = Files.createDirectories(E2eSettings.targetDir().resolve("screenshots"));
      Path png = dir.resolve(E2eSettings.fileName(name) + "-" + width + ".png");
      page.screenshot(new Page.ScreenshotOptions().setPath(png).setFullPage(true));
      return png;
    } catch (IOException e) {
      return fail("Could not save a screenshot of " + name + ": " + e);
    }
  }
}
