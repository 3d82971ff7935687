package org.berth.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.berth.imagecache.testing.TestRegistry;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the real portal ({@code java -jar} on the shaded jar) as a separate process for one test
 * class: a free port, a fresh data directory (so the embedded H2 database starts empty), a registry
 * of its own ({@link TestRegistry}, holding the Jupyter base that is its default image), its output
 * in {@code target/e2e-logs/<class>.log}.
 *
 * <p>Register it as a static field: {@code @RegisterExtension static final BerthProcess PORTAL =
 * new BerthProcess();}. Before the first test it waits until {@code GET /health} answers 200; after
 * the last test it stops the process.
 */
public final class BerthProcess implements BeforeAllCallback, AfterAllCallback {

  private static final Logger LOG = LoggerFactory.getLogger(BerthProcess.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
  private static final int LOG_TAIL_LINES = 60;

  private final String instanceId =
      "e2e"
          + Long.toString(java.util.concurrent.ThreadLocalRandom.current().nextLong(1L << 40), 36);

  private final Map<String, String> extraEnv = new LinkedHashMap<>();
  private final TestRegistry registry = new TestRegistry();
  private Process process;
  private Thread killOnExit;
  private int port;
  private Path log;
  private Path dataDir;
  private Duration startup;

  /** Adds an environment variable for the portal process (for example sign-up switched off). */
  public BerthProcess withEnv(String name, String value) {
    extraEnv.put(name, value);
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    start(context.getRequiredTestClass().getSimpleName());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stop();
  }

  /** The portal's base address, {@code http://127.0.0.1:<port>}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  /** An absolute address on the portal for a path such as {@code /login}. */
  public String url(String path) {
    return baseUrl() + path;
  }

  public int port() {
    return port;
  }

  /** The portal's registry (fresh for this test class), e.g. for an image it does not have. */
  public TestRegistry registry() {
    return registry;
  }

  /** The portal's data directory (fresh for this test class). */
  public Path dataDir() {
    return dataDir;
  }

  /** The file holding the portal's standard output and error. */
  public Path log() {
    return log;
  }

  /** How long the portal took from {@code java -jar} to a 200 from {@code /health}. */
  public Duration startupTime() {
    return startup;
  }

  /** The last lines of the portal's output, for failure messages. */
  public String logTail() {
    if (log == null || !Files.exists(log)) {
      return "(no log)";
    }
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join(
          "\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  void start(String name) throws IOException, InterruptedException {
    Path jar = E2eSettings.portalJar();
    if (!Files.isRegularFile(jar)) {
      fail(
          "The portal jar "
              + jar
              + " does not exist. Build it first: ./mvnw -B -DskipTests package -pl portal -am"
              + " (or run e2e in the reactor: ./mvnw -B verify -pl portal,e2e -am).");
    }
    Path target = E2eSettings.targetDir();
    Path logs = Files.createDirectories(target.resolve("e2e-logs"));
    log = logs.resolve(E2eSettings.fileName(name) + ".log");
    dataDir =
        Files.createTempDirectory(
            Files.createDirectories(target.resolve("e2e-data")), E2eSettings.fileName(name) + "-");
    port = freePort();

    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(jar.toString());
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(dataDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    // The environment is inherited; what the portal needs of the stack is set here.
    Map<String, String> env = builder.environment();
    // Berth's registry is the class's own; builds start from the Jupyter base it holds, which is
    // also the default image, and launches may name its images only.
    env.put("BERTH_REGISTRY", registry.address());
    env.put("BERTH_JUPYTER_BASE_IMAGE", registry.jupyterBase());
    env.put("BERTH_LAUNCH_ALLOWED_IMAGE_PREFIX", registry.address() + "/");
    env.put("MICRONAUT_SERVER_PORT", Integer.toString(port));
    env.put("MICRONAUT_SERVER_HOST", "127.0.0.1");
    // Servers' origins on a free port too, so a Berth already running here does not collide.
    env.put("BERTH_PROXY_PORT", "0");
    // Its own label on containers, so that it never reconciles away another Berth's servers.
    env.put("BERTH_LAUNCH_INSTANCE_ID", instanceId);
    env.put("BERTH_DATA_DIR", dataDir.toString());
    env.putAll(extraEnv);
    TreeSet<String> passed = new TreeSet<>();
    env.keySet().stream().filter(k -> k.startsWith("BERTH_")).forEach(passed::add);
    LOG.info("Starting portal for {} on port {} with {} (log {})", name, port, passed, log);

    long begin = System.nanoTime();
    process = builder.start();
    killOnExit = new Thread(() -> process.destroyForcibly(), "kill-portal-" + name);
    Runtime.getRuntime().addShutdownHook(killOnExit);
    awaitHealthy(name, begin);
    startup = Duration.ofNanos(System.nanoTime() - begin);
    LOG.info("Portal for {} answered /health after {} ms", name, startup.toMillis());
  }

  private void awaitHealthy(String name, long begin) throws InterruptedException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest health =
        HttpRequest.newBuilder(URI.create(url("/health"))).timeout(Duration.ofSeconds(3)).build();
    long deadline = begin + START_TIMEOUT.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        int code = process.exitValue();
        stop();
        fail(
            "The portal for "
                + name
                + " exited with code "
                + code
                + " before /health answered. Last lines of "
                + log
                + ":\n"
                + logTail());
      }
      try {
        HttpResponse<String> response = client.send(health, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return;
        }
        last = "HTTP " + response.statusCode() + " " + response.body();
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(250);
    }
    stop();
    fail(
        "The portal for "
            + name
            + " did not answer 200 on "
            + url("/health")
            + " within "
            + START_TIMEOUT.toSeconds()
            + " s (last: "
            + last
            + "). Last lines of "
            + log
            + ":\n"
            + logTail());
  }

  void stop() {
    if (process == null) {
      registry.close();
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        LOG.warn("Portal did not stop within {} s; killing it", STOP_TIMEOUT.toSeconds());
        process.destroyForcibly().waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(killOnExit);
    } catch (IllegalStateException shuttingDown) {
      // The hook runs anyway.
    }
    process = null;
    removeContainers();
    registry.close();
  }

  /** The label this portal puts on the containers it starts. */
  public String instanceId() {
    return instanceId;
  }

  /** Removes the containers and home volumes this portal left in the engine. */
  private void removeContainers() {
    for (String[] listing :
        new String[][] {
          {"ps", "-aq", "--filter", "label=org.berth.instance=" + instanceId},
          {"volume", "ls", "-q", "--filter", "label=org.berth.instance=" + instanceId}
        }) {
      try {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(listing));
        Process list = new ProcessBuilder(command).start();
        List<String> ids =
            new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                .lines()
                .filter(l -> !l.isBlank())
                .toList();
        list.waitFor();
        if (!ids.isEmpty()) {
          List<String> remove =
              new ArrayList<>(
                  listing[0].equals("ps")
                      ? List.of("docker", "rm", "-f")
                      : List.of("docker", "volume", "rm", "-f"));
          remove.addAll(ids);
          new ProcessBuilder(remove).redirectErrorStream(true).start().waitFor();
        }
      } catch (IOException e) {
        LOG.warn("Could not clean up containers of {}: {}", instanceId, e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("No free local port", e);
    }
  }
}
