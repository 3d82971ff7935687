package org.berth.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives Debian's Chromium through Playwright, offline: one {@link Browser} per test class, a fresh
 * {@link BrowserContext} (no cookies, no storage) and {@link Page} per test, injected as test
 * method parameters. When a test fails, the page is saved to {@code target/e2e-screenshots/} as a
 * PNG and its HTML.
 *
 * <p>The browser is {@code /usr/bin/chromium}, or the executable named by {@code BERTH_CHROMIUM}.
 * When it is missing the tests fail with a message saying so; they are never skipped.
 */
public final class BrowserFixture
    implements BeforeAllCallback,
        AfterAllCallback,
        BeforeEachCallback,
        AfterEachCallback,
        ParameterResolver {

  private static final Logger LOG = LoggerFactory.getLogger(BrowserFixture.class);

  /** Flags that keep Chromium headless-friendly and off the network except where a test goes. */
  static final List<String> CHROMIUM_ARGS =
      List.of(
          "--no-sandbox",
          "--disable-gpu",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--no-first-run",
          "--disable-quic");

  private static final double DEFAULT_TIMEOUT_MS = 15_000;
  private static final double EVIDENCE_TIMEOUT_MS = 5_000;

  private Playwright playwright;
  private Browser browser;
  private BrowserContext context;
  private Page page;

  /** The Chromium executable the journeys drive. */
  static Path chromium() {
    String configured = System.getenv("BERTH_CHROMIUM");
    return Path.of(configured == null || configured.isBlank() ? "/usr/bin/chromium" : configured);
  }

  @Override
  public void beforeAll(ExtensionContext extension) {
    Path executable = chromium();
    if (!Files.isExecutable(executable)) {
      fail(
          "Chromium is not installed at "
              + executable
              + ". Install Debian's package (apt-get install chromium, which deploy/local sets up)"
              + " or point BERTH_CHROMIUM at a Chromium executable.");
    }
    long begin = System.nanoTime();
    playwright =
        Playwright.create(
            new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    browser =
        playwright
            .chromium()
            .launch(
                new BrowserType.LaunchOptions()
                    .setExecutablePath(executable)
                    .setHeadless(true)
                    .setArgs(CHROMIUM_ARGS));
    LOG.info(
        "Chromium {} from {} ready after {} ms",
        browser.version(),
        executable,
        (System.nanoTime() - begin) / 1_000_000);
  }

  @Override
  public void beforeEach(ExtensionContext extension) {
    context = browser.newContext();
    context.setDefaultTimeout(DEFAULT_TIMEOUT_MS);
    page = context.newPage();
  }

  @Override
  public void afterEach(ExtensionContext extension) {
    try {
      if (extension.getExecutionException().isPresent() && page != null && !page.isClosed()) {
        saveEvidence(extension);
      }
    } finally {
      if (context != null) {
        context.close();
      }
      context = null;
      page = null;
    }
  }

  @Override
  public void afterAll(ExtensionContext extension) {
    if (browser != null) {
      browser.close();
    }
    if (playwright != null) {
      playwright.close();
    }
  }

  /** The browser of this test class. */
  public Browser browser() {
    return browser;
  }

  /** The current test's page. */
  public Page page() {
    return page;
  }

  /** The current test's context (cookies of this test only). */
  public BrowserContext context() {
    return context;
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext extension) {
    Class<?> type = parameter.getParameter().getType();
    return type == Page.class || type == BrowserContext.class || type == Browser.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext extension) {
    Class<?> type = parameter.getParameter().getType();
    if (type == Page.class) {
      return page;
    }
    if (type == BrowserContext.class) {
      return context;
    }
    return browser;
  }

  private void saveEvidence(ExtensionContext extension) {
    String name =
        E2eSettings.fileName(
            extension.getRequiredTestClass().getSimpleName()
                + "-"
                + extension.getRequiredTestMethod().getName());
    Path dir;
    try {
      dir = Files.createDirectories(E2eSettings.targetDir().resolve("e2e-screenshots"));
    } catch (IOException e) {
      LOG.warn("{} failed; could not make a folder for its page: {}", name, e.toString());
      return;
    }
    // Each piece on its own: a page stuck in a navigation may refuse one and give the other.
    Path png = dir.resolve(name + ".png");
    try {
      page.screenshot(
          new Page.ScreenshotOptions()
              .setPath(png)
              .setFullPage(true)
              .setTimeout(EVIDENCE_TIMEOUT_MS));
      LOG.warn("{} failed on {}; screenshot in {}", name, page.url(), png);
    } catch (RuntimeException e) {
      LOG.warn("{} failed on {}; no screenshot: {}", name, page.url(), firstLine(e));
    }
    try {
      Files.writeString(dir.resolve(name + ".html"), page.content(), StandardCharsets.UTF_8);
    } catch (RuntimeException | IOException e) {
      LOG.warn("{} failed; could not save its HTML: {}", name, firstLine(e));
    }
  }

  private static String firstLine(Exception e) {
    String text = String.valueOf(e.getMessage()).strip();
    int end = text.indexOf('\n');
    return end < 0 ? text : text.substring(0, end);
  }
}
