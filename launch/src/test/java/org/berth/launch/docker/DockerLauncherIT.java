package org.berth.launch.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.berth.imagecache.testing.TestImages;
import org.berth.imagecache.testing.TestRegistry;
import org.berth.launch.LaunchEvent;
import org.berth.launch.LaunchException;
import org.berth.launch.LaunchHandle;
import org.berth.launch.LaunchLimits;
import org.berth.launch.LaunchRequest;
import org.berth.launch.Launcher.ManagedServer;
import org.berth.launch.Mount;
import org.berth.launch.Resources;
import org.berth.launch.ServerName;
import org.berth.launch.ServerStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Docker back end against the real engine and the Jupyter base image made by setup.sh; images
 * missing from the engine are looked for in a registry of the class's own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DockerLauncherIT {
  @RegisterExtension static final TestRegistry REGISTRY = new TestRegistry();

  static final String DOCKER = "unix:///var/run/docker.sock";
  static final long MEMORY = 512L << 20;
  static final LaunchLimits LIMITS =
      new LaunchLimits(
          1L << 30,
          2.0,
          256,
          5,
          Duration.ofHours(24),
          Duration.ofDays(7),
          Duration.ofSeconds(60),
          new Resources(MEMORY, 1.0, Duration.ofHours(1), Duration.ZERO));

  private final String image = TestImages.jupyterBase();
  private final String instance = "it" + random();
  private final DockerLauncher launcher = launcher(instance);
  private final DockerClient docker = client();
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<String> serverIds = new ArrayList<>();
  private final List<String> sharedVolumes = new ArrayList<>();

  @AfterAll
  void removeEverythingThisTestMade() {
    for (String id : serverIds) {
      try {
        docker.removeContainerCmd(DockerLauncher.containerName(id)).withForce(true).exec();
      } catch (NotFoundException e) {
        // already gone
      }
      launcher.deleteVolume(home(id));
    }
    sharedVolumes.forEach(launcher::deleteVolume);
  }

  @Test
  void startsAHardenedServerThatAnswersOnlyWithItsToken() throws Exception {
    LaunchRequest request = request("hardened", "spec1");
    List<LaunchEvent> events = new ArrayList<>();
    LaunchHandle handle = launcher.start(request, events::add);

    assertEquals(
        List.of("ALLOCATING", "STARTING", "WAITING_FOR_SERVER", "READY"),
        events.stream().map(e -> ((LaunchEvent.PhaseChanged) e).phase().name()).toList());
    ServerStatus.Running running =
        assertInstanceOf(ServerStatus.Running.class, launcher.status(handle));
    assertEquals(200, status(running.port(), request.token()));
    assertEquals(403, status(running.port(), null));

    InspectContainerResponse c = docker.inspectContainerCmd(handle.get("container")).exec();
    HostConfig host = c.getHostConfig();
    assertEquals("1000:100", c.getConfig().getUser());
    assertTrue(
        host.getSecurityOpts().contains("no-new-privileges"), host.getSecurityOpts().toString());
    assertEquals(List.of(Capability.ALL), Arrays.asList(host.getCapDrop()));
    assertEquals(256L, host.getPidsLimit());
    assertEquals(MEMORY, host.getMemory());
    assertEquals(1_000_000_000L, host.getNanoCPUs());
    assertFalse(Boolean.TRUE.equals(host.getPrivileged()));
    Ports.Binding[] bindings = host.getPortBindings().getBindings().get(ExposedPort.tcp(8888));
    assertEquals(1, bindings.length);
    assertEquals("127.0.0.1", bindings[0].getHostIp());
    assertTrue(
        c.getMounts().stream()
            .noneMatch(m -> String.valueOf(m.getSource()).contains("docker.sock")));
    assertEquals(
        List.of("/home/jovyan"),
        c.getMounts().stream().map(m -> m.getDestination().getPath()).toList());
    Map<String, String> labels = c.getConfig().getLabels();
    assertEquals("true", labels.get("org.berth.managed"));
    assertEquals("alice", labels.get("org.berth.owner"));
    assertEquals("hardened", labels.get("org.berth.server"));
    assertEquals("spec1", labels.get("org.berth.spec-hash"));
    assertFalse(c.getConfig().getEnv() == null);
  }

  @Test
  void homeSurvivesStopStartAndRecreationAfterASpecChange() throws Exception {
    LaunchRequest first = request("keeper", "specA");
    LaunchHandle handle = launcher.start(first, e -> {});
    exec(handle, "echo kept > /home/jovyan/work.txt");

    launcher.stop(handle);
    assertInstanceOf(ServerStatus.Stopped.class, launcher.status(handle));
    LaunchHandle again = launcher.start(first, e -> {});
    assertEquals(handle.get("container"), again.get("container"), "the same spec reuses it");
    assertEquals("kept", exec(again, "cat /home/jovyan/work.txt"));

    LaunchRequest changed =
        new LaunchRequest(
            first.owner(),
            first.name(),
            first.serverId(),
            first.image(),
            first.token(),
            first.baseUrl(),
            first.resources(),
            "specB",
            first.mounts(),
            Map.of("CHANGED", "1"));
    LaunchHandle recreated = launcher.start(changed, e -> {});
    assertNotEquals(handle.get("container"), recreated.get("container"));
    assertEquals("kept", exec(recreated, "cat /home/jovyan/work.txt"));
    assertInstanceOf(ServerStatus.Missing.class, launcher.status(handle));
  }

  @Test
  void aMissingImageIsRefusedAndLeavesNothingBehind() {
    LaunchRequest request = request("ghost", "s");
    String ghost = REGISTRY.address() + "/berth/does-not-exist:1";
    LaunchRequest missing =
        new LaunchRequest(
            request.owner(),
            request.name(),
            request.serverId(),
            ghost,
            request.token(),
            request.baseUrl(),
            request.resources(),
            "s",
            request.mounts(),
            Map.of());
    LaunchException e =
        assertThrows(LaunchException.ImageNotFound.class, () -> launcher.start(missing, x -> {}));
    assertTrue(e.getMessage().contains(ghost), e.getMessage());
    assertThrows(
        NotFoundException.class,
        () -> docker.inspectContainerCmd(DockerLauncher.containerName(request.serverId())).exec());
    assertThrows(
        NotFoundException.class, () -> docker.inspectVolumeCmd(home(request.serverId())).exec());
  }

  @Test
  void requestsOverTheLimitsAreRefusedBeforeAnythingIsCreated() {
    LaunchRequest request = request("greedy", "s");
    LaunchRequest greedy =
        new LaunchRequest(
            request.owner(),
            request.name(),
            request.serverId(),
            image,
            request.token(),
            request.baseUrl(),
            new Resources(4L << 30, 1, Duration.ZERO, Duration.ZERO),
            "s",
            request.mounts(),
            Map.of());
    LaunchException e =
        assertThrows(LaunchException.LimitExceeded.class, () -> launcher.start(greedy, x -> {}));
    assertTrue(e.getMessage().contains("over the limit"), e.getMessage());
    assertThrows(
        NotFoundException.class,
        () -> docker.inspectContainerCmd(DockerLauncher.containerName(request.serverId())).exec());
  }

  @Test
  void aRestartedBerthFindsItsRunningServersWithoutDuplicates() {
    DockerLauncher own = launcher("re" + random());
    List<LaunchHandle> handles = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      handles.add(own.start(request("re" + i, "s"), e -> {}));
    }
    String ownInstance = ownInstance(own, handles);
    DockerLauncher restarted = launcher(ownInstance);
    List<ManagedServer> found =
        restarted.listManaged().stream().filter(s -> ownInstance.equals(s.instance())).toList();
    assertEquals(3, found.size());
    assertTrue(found.stream().allMatch(ManagedServer::running));
    for (LaunchHandle h : handles) {
      assertInstanceOf(ServerStatus.Running.class, restarted.status(h));
      assertEquals(
          1,
          found.stream()
              .filter(s -> s.handle().get("container").equals(h.get("container")))
              .count());
    }
    assertTrue(
        launcher.listManaged().stream()
            .filter(s -> s.serverId().startsWith("re"))
            .allMatch(s -> ownInstance.equals(s.instance())),
        "each server says which instance it belongs to");
  }

  @Test
  void aReadOnlyMountCannotBeWrittenFromInsideTheServer() throws Exception {
    LaunchRequest base = request("reader", "ro");
    String shared = "berth-it-shared-" + random();
    sharedVolumes.add(shared);
    LaunchRequest withShared =
        new LaunchRequest(
            base.owner(),
            base.name(),
            base.serverId(),
            base.image(),
            base.token(),
            base.baseUrl(),
            base.resources(),
            base.specHash(),
            List.of(base.mounts().get(0), new Mount("/srv/course", shared, "", true)),
            Map.of());
    LaunchHandle handle = launcher.start(withShared, e -> {});
    String out = execFails(handle, "touch /srv/course/x");
    assertTrue(out.contains("Read-only file system"), out);
    exec(handle, "touch /home/jovyan/writable");
  }

  @Test
  void oneServerCannotReachAnother() throws Exception {
    LaunchHandle a = launcher.start(request("net-a", "n"), e -> {});
    LaunchHandle b = launcher.start(request("net-b", "n"), e -> {});
    String ip =
        docker
            .inspectContainerCmd(b.get("container"))
            .exec()
            .getNetworkSettings()
            .getNetworks()
            .get(DockerLauncher.DEFAULT_NETWORK)
            .getIpAddress();
    assertTrue(ip != null && !ip.isBlank(), "b runs on Berth's network");
    String probe =
        "import socket\n"
            + "try:\n"
            + "    socket.create_connection(('"
            + ip
            + "', 8888), 3)\n"
            + "    print('reached')\n"
            + "except OSError as e:\n"
            + "    print('refused', e)\n";
    String out = exec(a, "printf \"" + probe + "\" | python3 -");
    assertTrue(out.startsWith("refused"), "server a reached server b: " + out);
  }

  private String ownInstance(DockerLauncher own, List<LaunchHandle> handles) {
    return docker
        .inspectContainerCmd(handles.get(0).get("container"))
        .exec()
        .getConfig()
        .getLabels()
        .get("org.berth.instance");
  }

  private LaunchRequest request(String name, String specHash) {
    String id = name.replace("-", "") + random();
    serverIds.add(id);
    return new LaunchRequest(
        "alice",
        new ServerName(name),
        id,
        image,
        "tok" + random(),
        "/user/alice/" + name + "/",
        LIMITS.defaults(),
        specHash,
        List.of(Mount.of("/home/jovyan", home(id))),
        Map.of());
  }

  private static String home(String serverId) {
    return "berth-home-" + serverId;
  }

  private static DockerLauncher launcher(String instance) {
    return new DockerLauncher(DOCKER, instance, LIMITS, DockerLauncher.DEFAULT_NETWORK);
  }

  private int status(int port, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/user/alice/hardened/api/status"));
    if (token != null) {
      b.header("Authorization", "token " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static String exec(LaunchHandle handle, String script)
      throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder("docker", "exec", handle.get("container"), "sh", "-c", script)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes()).strip();
    assertEquals(0, p.waitFor(), out);
    return out;
  }

  private static String execFails(LaunchHandle handle, String script)
      throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder("docker", "exec", handle.get("container"), "sh", "-c", script)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes()).strip();
    assertNotEquals(0, p.waitFor(), "expected a failure, got: " + out);
    return out;
  }

  private static String random() {
    return Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
  }

  private static DockerClient client() {
    DefaultDockerClientConfig config =
        DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(DOCKER).build();
    return DockerClientImpl.getInstance(
        config, new ApacheDockerHttpClient.Builder().dockerHost(config.getDockerHost()).build());
  }
}
