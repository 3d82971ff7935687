package org.berth.launch.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.api.model.Volume;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.berth.launch.JupyterProbe;
import org.berth.launch.LaunchEvent;
import org.berth.launch.LaunchEvent.Phase;
import org.berth.launch.LaunchEvent.PhaseChanged;
import org.berth.launch.LaunchException;
import org.berth.launch.LaunchHandle;
import org.berth.launch.LaunchLimits;
import org.berth.launch.LaunchRequest;
import org.berth.launch.Launcher;
import org.berth.launch.Mount;
import org.berth.launch.ServerStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs servers as containers of the local Docker engine, hardened: a non-root user, no new
 * privileges, every capability dropped, pids, memory and CPU limits, no Docker socket, and the
 * server's port published on 127.0.0.1 only. Servers run on a bridge network of Berth's own with
 * traffic between containers turned off, so that one server cannot reach another. The volumes a
 * request names are Docker named volumes, made (with Berth's labels) when missing and never removed
 * but by {@link #deleteVolume}. Thread-safe.
 */
public final class DockerLauncher implements Launcher {

  public static final String BACKEND = "docker";
  public static final String LABEL_MANAGED = "org.berth.managed";
  public static final String LABEL_INSTANCE = "org.berth.instance";
  public static final String LABEL_OWNER = "org.berth.owner";
  public static final String LABEL_SERVER = "org.berth.server";
  public static final String LABEL_SERVER_ID = "org.berth.server-id";
  public static final String LABEL_SPEC_HASH = "org.berth.spec-hash";
  static final String CONTAINER = "container";
  public static final String DEFAULT_NETWORK = "berth-servers";
  static final String USER = "1000:100";
  private static final int PORT = 8888;
  private static final Logger LOG = LoggerFactory.getLogger(DockerLauncher.class);

  private final DockerClient docker;
  private final String instance;
  private final LaunchLimits limits;
  private final String network;
  private final JupyterProbe probe = new JupyterProbe(Duration.ofSeconds(2));
  private volatile boolean networkReady;

  /**
   * @param dockerHost the engine's address, e.g. {@code unix:///var/run/docker.sock}
   * @param instance this Berth's instance id, written on every container and volume it makes
   * @param network the bridge network servers run on, made (inter-container traffic off) if missing
   */
  public DockerLauncher(String dockerHost, String instance, LaunchLimits limits, String network) {
    this.docker = DockerClients.connect(dockerHost, 100, Duration.ofMinutes(5));
    this.instance = instance;
    this.limits = limits;
    this.network = network;
  }

  /** The container and home volume names Berth uses for a server id. */
  public static String containerName(String serverId) {
    return "berth-" + serverId;
  }

  @Override
  public LaunchHandle start(LaunchRequest request, Consumer<LaunchEvent> events) {
    limits.check(request.resources());
    events.accept(PhaseChanged.of(Phase.ALLOCATING, "Preparing " + request.name()));
    try {
      ensureImage(request.image());
      ensureNetwork();
      String id = existingOrNew(request);
      events.accept(PhaseChanged.of(Phase.STARTING, "Starting " + request.name()));
      docker.startContainerCmd(id).exec();
      int port = publishedPort(docker.inspectContainerCmd(id).exec());
      events.accept(
          PhaseChanged.of(
              Phase.WAITING_FOR_SERVER, "Waiting for " + request.name() + " to answer"));
      awaitReady(id, port, request, events);
      events.accept(PhaseChanged.of(Phase.READY, request.name() + " is ready"));
      return handle(id);
    } catch (DockerException e) {
      throw new LaunchException(
          "The Docker engine refused to start " + request.name() + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      if (e instanceof LaunchException) {
        throw e;
      }
      throw new LaunchException.EngineUnavailable(
          "The Docker engine cannot be reached: " + e.getMessage(), e);
    }
  }

  private void ensureImage(String image) {
    try {
      docker.inspectImageCmd(image).exec();
      return;
    } catch (NotFoundException e) {
      // Only images of a registry on this machine are pulled; nothing else is reachable here.
    }
    if (image.startsWith("127.0.0.1:") || image.startsWith("localhost:")) {
      try {
        docker.pullImageCmd(image).start().awaitCompletion(5, TimeUnit.MINUTES);
        docker.inspectImageCmd(image).exec();
        return;
      } catch (DockerException e) {
        LOG.info("Pulling {} failed: {}", image, e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    throw new LaunchException.ImageNotFound(image);
  }

  /** Reuses the server's container when its spec is unchanged, else creates it afresh. */
  private String existingOrNew(LaunchRequest request) {
    String name = containerName(request.serverId());
    try {
      InspectContainerResponse existing = docker.inspectContainerCmd(name).exec();
      Map<String, String> labels = existing.getConfig().getLabels();
      if (request.specHash().equals(labels.get(LABEL_SPEC_HASH))
          && request.image().equals(existing.getConfig().getImage())) {
        return existing.getId();
      }
      docker.removeContainerCmd(existing.getId()).withForce(true).exec();
    } catch (NotFoundException e) {
      // A new server.
    }
    return create(request, name);
  }

  private String create(LaunchRequest request, String name) {
    Map<String, String> labels = new HashMap<>();
    labels.put(LABEL_MANAGED, "true");
    labels.put(LABEL_INSTANCE, instance);
    labels.put(LABEL_OWNER, request.owner());
    labels.put(LABEL_SERVER, request.name().value());
    labels.put(LABEL_SERVER_ID, request.serverId());
    labels.put(LABEL_SPEC_HASH, request.specHash());
    List<Bind> binds = new ArrayList<>();
    for (Mount mount : request.mounts()) {
      ensureVolume(mount.source());
      AccessMode mode = mount.readOnly() ? AccessMode.ro : AccessMode.rw;
      String source = mount.subPath().isEmpty() ? mount.source() : subPathOnHost(mount).toString();
      binds.add(new Bind(source, new Volume(mount.target()), mode));
    }
    List<String> env = new ArrayList<>();
    request.env().forEach((k, v) -> env.add(k + "=" + v));
    env.add("JUPYTER_TOKEN=" + request.token());
    env.add("JUPYTER_BASE_URL=" + request.baseUrl());
    ExposedPort port = ExposedPort.tcp(PORT);
    long nanoCpus = Math.round(request.resources().cpus() * 1_000_000_000L);
    HostConfig host =
        HostConfig.newHostConfig()
            .withPortBindings(new PortBinding(Ports.Binding.bindIp("127.0.0.1"), port))
            .withMemory(request.resources().memoryBytes())
            .withMemorySwap(request.resources().memoryBytes())
            .withNanoCPUs(nanoCpus)
            .withPidsLimit(limits.pidsLimit())
            .withCapDrop(Capability.ALL)
            .withSecurityOpts(List.of("no-new-privileges"))
            .withBinds(binds)
            .withNetworkMode(network)
            .withRestartPolicy(RestartPolicy.noRestart())
            .withInit(false);
    return docker
        .createContainerCmd(request.image())
        .withName(name)
        .withUser(USER)
        .withEnv(env)
        .withLabels(labels)
        .withExposedPorts(port)
        .withHostConfig(host)
        .exec()
        .getId();
  }

  private void awaitReady(
      String id, int port, LaunchRequest request, Consumer<LaunchEvent> events) {
    Instant deadline = Instant.now().plus(limits.readinessTimeout());
    String reason = "did not answer within " + limits.readinessTimeout().toSeconds() + " s";
    for (int attempt = 1; Instant.now().isBefore(deadline); attempt++) {
      if (probe.answers("127.0.0.1", port, request.baseUrl(), request.token())) {
        return;
      }
      // Asking the engine on every poll slows everything down when many servers start at once: it
      // is asked once a second. The probe itself (a refused connection until Jupyter listens) is
      // cheap, and polling every 50 ms rather than 100 ms takes 25 ms off an average launch.
      if (attempt % 20 == 0
          && !Boolean.TRUE.equals(docker.inspectContainerCmd(id).exec().getState().getRunning())) {
        reason = "stopped while starting";
        break;
      }
      sleep(Duration.ofMillis(50));
    }
    List<String> lastLines = lastLogLines(id, 20);
    try {
      docker.stopContainerCmd(id).withTimeout(2).exec();
    } catch (DockerException e) {
      LOG.debug("Stopping {} after a failed start: {}", id, e.getMessage());
    }
    String message = "The server " + request.name() + " " + reason + ".";
    events.accept(new PhaseChanged(Phase.FAILED, message, lastLines));
    List<String> tail = lastLines.subList(Math.max(0, lastLines.size() - 5), lastLines.size());
    throw new LaunchException.NotReady(
        tail.isEmpty() ? message : message + " Its last lines: " + String.join(" | ", tail));
  }

  /** The last lines the container printed, for a failure message. */
  public List<String> lastLogLines(String containerId, int count) {
    List<String> lines = new ArrayList<>();
    try {
      docker
          .logContainerCmd(containerId)
          .withStdOut(true)
          .withStdErr(true)
          .withTail(count)
          .exec(
              new ResultCallback.Adapter<Frame>() {
                @Override
                public void onNext(Frame frame) {
                  lines.add(new String(frame.getPayload()).stripTrailing());
                }
              })
          .awaitCompletion(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (DockerException e) {
      lines.add("(the log could not be read: " + e.getMessage() + ")");
    }
    return lines;
  }

  @Override
  public ServerStatus status(LaunchHandle handle) {
    try {
      InspectContainerResponse c = docker.inspectContainerCmd(handle.get(CONTAINER)).exec();
      if (Boolean.TRUE.equals(c.getState().getRunning())) {
        return new ServerStatus.Running("127.0.0.1", publishedPort(c));
      }
      return new ServerStatus.Stopped();
    } catch (NotFoundException e) {
      return new ServerStatus.Missing();
    }
  }

  @Override
  public void stop(LaunchHandle handle) {
    try {
      InspectContainerResponse c = docker.inspectContainerCmd(handle.get(CONTAINER)).exec();
      if (Boolean.TRUE.equals(c.getState().getRunning())) {
        docker.stopContainerCmd(c.getId()).withTimeout(5).exec();
      }
    } catch (NotFoundException e) {
      // Already gone: nothing to stop.
    }
  }

  @Override
  public void remove(LaunchHandle handle) {
    try {
      docker.removeContainerCmd(handle.get(CONTAINER)).withForce(true).exec();
    } catch (NotFoundException e) {
      // Already gone.
    }
  }

  @Override
  public void deleteVolume(String source) {
    try {
      docker.removeVolumeCmd(source).exec();
    } catch (NotFoundException e) {
      // Never made, or already deleted.
    }
  }

  @Override
  public void discard(String serverId) {
    remove(handle(containerName(serverId)));
  }

  @Override
  public List<ManagedServer> listManaged() {
    List<Container> containers =
        docker
            .listContainersCmd()
            .withShowAll(true)
            .withLabelFilter(Map.of(LABEL_MANAGED, "true"))
            .exec();
    return containers.stream()
        .map(
            c ->
                new ManagedServer(
                    c.getLabels().get(LABEL_INSTANCE),
                    c.getLabels().get(LABEL_SERVER_ID),
                    c.getLabels().get(LABEL_OWNER),
                    c.getLabels().get(LABEL_SERVER),
                    c.getLabels().get(LABEL_SPEC_HASH),
                    handle(c.getId()),
                    "running".equals(c.getState())))
        .toList();
  }

  /**
   * The directory of a mount's sub-path in its volume's data, made if missing. It needs Berth on
   * the engine's machine, with access to the engine's volume directories (as root).
   */
  private java.nio.file.Path subPathOnHost(Mount mount) {
    String mountpoint = docker.inspectVolumeCmd(mount.source()).exec().getMountpoint();
    java.nio.file.Path root = java.nio.file.Path.of(mountpoint);
    if (!java.nio.file.Files.isDirectory(root)) {
      throw new LaunchException(
          "Mounting part of a volume needs Berth on the Docker engine's machine with access to "
              + root
              + ".");
    }
    return SubPathDirs.prepare(root, mount.subPath(), 1000, 100);
  }

  private void ensureVolume(String name) {
    try {
      docker.inspectVolumeCmd(name).exec();
    } catch (NotFoundException e) {
      docker
          .createVolumeCmd()
          .withName(name)
          .withLabels(Map.of(LABEL_MANAGED, "true", LABEL_INSTANCE, instance))
          .exec();
    }
  }

  /**
   * Makes the servers' network when it is missing: a bridge with inter-container traffic off, so a
   * server reaches neither another server nor anything but what the host lets bridges reach.
   */
  private void ensureNetwork() {
    if (networkReady) {
      return;
    }
    synchronized (this) {
      List<Network> found = docker.listNetworksCmd().withNameFilter(network).exec();
      if (found.stream().noneMatch(n -> n.getName().equals(network))) {
        try {
          docker
              .createNetworkCmd()
              .withName(network)
              .withDriver("bridge")
              .withOptions(Map.of("com.docker.network.bridge.enable_icc", "false"))
              .withLabels(Map.of(LABEL_MANAGED, "true"))
              .exec();
        } catch (DockerException e) {
          // Another Berth on this engine made it at the same moment.
          if (docker.listNetworksCmd().withNameFilter(network).exec().stream()
              .noneMatch(n -> n.getName().equals(network))) {
            throw e;
          }
        }
      }
      networkReady = true;
    }
  }

  private static LaunchHandle handle(String containerId) {
    return new LaunchHandle(BACKEND, Map.of(CONTAINER, containerId));
  }

  private static int publishedPort(InspectContainerResponse c) {
    Ports.Binding[] bindings =
        c.getNetworkSettings().getPorts().getBindings().get(ExposedPort.tcp(PORT));
    if (bindings == null || bindings.length == 0) {
      throw new LaunchException("The server's port is not published.");
    }
    return Integer.parseInt(bindings[0].getHostPortSpec());
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LaunchException.NotReady("Interrupted while waiting for the server.");
    }
  }
}
