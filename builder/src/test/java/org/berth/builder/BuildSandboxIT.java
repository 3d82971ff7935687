package org.berth.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.berth.builder.source.GitRepoProvider;
import org.berth.builder.source.SourceValidator;
import org.berth.builder.strategy.DockerEngine;
import org.berth.builder.strategy.dockerfile.DockerfileStrategy;
import org.berth.builder.strategy.environment.EnvironmentStrategy;
import org.berth.imagecache.registry.DistributionRegistryClient;
import org.berth.imagecache.testing.TestRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Builds do not reach the host: a Dockerfile's download from an internal address is refused before
 * the engine sees it, and build steps run with Berth's memory and CPU limits on Berth's own network
 * (not the default bridge).
 */
class BuildSandboxIT {
  @RegisterExtension static final TestRegistry REGISTRY = new TestRegistry();
  static final BuildResources LIMITS = new BuildResources(768L * 1024 * 1024, 0.5, "berth-builds");
  static GitServer git;
  static DockerEngine engine;
  static BuildService service;

  @BeforeAll
  static void start() {
    git = new GitServer();
    BuilderConfig config = BuilderStack.config(REGISTRY);
    var registry = new DistributionRegistryClient(Duration.ofSeconds(5));
    engine = new DockerEngine(DockerEngine.localClient(), registry, LIMITS);
    // The git server on 127.0.0.1 is allowed as a repository host; the Dockerfile check uses
    // the default rules, under which 127.0.0.1 is internal.
    service =
        new BuildService(
            List.of(new GitRepoProvider(BuilderStack.sources())),
            List.of(
                new DockerfileStrategy(
                    engine, config, new SourceValidator(SourcePolicy.defaults())),
                new EnvironmentStrategy(engine, config)),
            registry,
            new InMemoryBuildStore(),
            config);
  }

  @AfterAll
  static void stop() {
    service.close();
    git.close();
  }

  static String dockerfileRepo(String dockerfile) throws Exception {
    Path dir = Files.createTempDirectory("sandbox");
    Files.writeString(dir.resolve("Dockerfile"), dockerfile);
    try {
      return git.create("sandbox-" + System.nanoTime(), dir);
    } finally {
      GitRepoProvider.clear(dir);
    }
  }

  static List<String> log(BuildHandle h) {
    return h.events().stream()
        .filter(e -> e instanceof BuildEvent.LogLine)
        .map(e -> ((BuildEvent.LogLine) e).line())
        .toList();
  }

  @Test
  void refusesADockerfileDownloadFromLoopbackBeforeTheEngineFetchesIt() throws Exception {
    AtomicInteger requests = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        ex -> {
          requests.incrementAndGet();
          byte[] body = "host data\n".getBytes();
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    server.start();
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/secret";
      BuildHandle h =
          service.submit(
              SourceSpec.of(
                  dockerfileRepo(
                      "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nUSER root\nADD "
                          + url
                          + " /tmp/secret\n"),
                  "main"));
      CompletionException e =
          assertThrows(
              CompletionException.class,
              () -> h.result().orTimeout(3, TimeUnit.MINUTES).join(),
              "refused");
      BuildException b = assertInstanceOf(BuildException.class, e.getCause());
      assertEquals(BuildException.Failure.REFUSED, b.failure(), b.getMessage());
      assertTrue(b.getMessage().contains(url), b.getMessage());
      assertTrue(b.getMessage().contains("line 4"), b.getMessage());
      assertTrue(b.getMessage().contains("inside this network"), b.getMessage());
      assertEquals(0, requests.get(), "the engine fetched the URL");
      assertFalse(log(h).stream().anyMatch(l -> l.startsWith("Step ")), log(h).toString());
    } finally {
      server.stop(0);
    }
  }

  @Test
  void buildStepsRunWithTheLimitsOnBerthsOwnNetwork() throws Exception {
    String nonce = UUID.randomUUID().toString();
    String dockerfile =
        "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\n"
            + "RUN echo "
            + nonce
            + " && echo \"berth-memory=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes"
            + " 2>/dev/null || cat /sys/fs/cgroup/memory.max)\""
            + " && echo \"berth-cpu=$(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us 2>/dev/null"
            + " || cut -d' ' -f1 /sys/fs/cgroup/cpu.max)\""
            + " && python3 -c \"import socket; s = socket.socket(socket.AF_INET,"
            + " socket.SOCK_DGRAM); s.connect(('192.0.2.1', 9)); print('berth-ip=' +"
            + " s.getsockname()[0])\"\n";
    BuildHandle h = service.submit(SourceSpec.of(dockerfileRepo(dockerfile), "main"));
    BuiltImage image = h.result().get(3, TimeUnit.MINUTES);
    List<String> log = log(h);
    assertTrue(log.contains("berth-memory=" + (768L * 1024 * 1024)), log.toString());
    assertTrue(log.contains("berth-cpu=50000"), log.toString());
    String ip =
        log.stream()
            .filter(l -> l.startsWith("berth-ip="))
            .findFirst()
            .orElseThrow(() -> new AssertionError(log.toString()))
            .substring("berth-ip=".length());
    String subnet =
        Verify.run(
                "docker",
                "network",
                "inspect",
                "berth-builds",
                "--format",
                "{{range .IPAM.Config}}{{.Subnet}}{{end}}")
            .strip();
    assertTrue(inSubnet(ip, subnet), ip + " is not on berth-builds (" + subnet + ")");
    String icc =
        Verify.run(
                "docker",
                "network",
                "inspect",
                "berth-builds",
                "--format",
                "{{index .Options \"com.docker.network.bridge.enable_icc\"}}")
            .strip();
    assertEquals("false", icc, "containers on the build network cannot reach each other");
    Verify.run("docker", "rmi", image.ref().toString());
  }

  static boolean inSubnet(String ip, String cidr) throws Exception {
    String[] parts = cidr.split("/");
    byte[] a = InetAddress.getByName(ip).getAddress();
    byte[] n = InetAddress.getByName(parts[0]).getAddress();
    int bits = Integer.parseInt(parts[1]);
    for (int i = 0; i < bits; i++) {
      int mask = 0x80 >> (i % 8);
      if ((a[i / 8] & mask) != (n[i / 8] & mask)) {
        return false;
      }
    }
    return true;
  }
}
