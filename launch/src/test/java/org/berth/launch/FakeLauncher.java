package org.berth.launch;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** A launcher that keeps "containers" and volumes in memory, as a back end would. Thread-safe. */
final class FakeLauncher implements Launcher {

  static final String BACKEND = "fake";

  /** One container. */
  static final class Container {
    final String instance;
    final LaunchRequest request;
    final String id;
    volatile boolean running;

    Container(String instance, LaunchRequest request, String id) {
      this.instance = instance;
      this.request = request;
      this.id = id;
    }
  }

  private final String instance;
  private final Map<String, Container> containers = new ConcurrentHashMap<>();
  final Set<String> volumes = ConcurrentHashMap.newKeySet();
  final List<String> deletedVolumes = new ArrayList<>();
  final List<LaunchRequest> starts = new ArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();
  private final AtomicInteger startingNow = new AtomicInteger();
  final AtomicInteger mostStartingAtOnce = new AtomicInteger();
  volatile String failNextStart;
  volatile CountDownLatch holdStarts;

  FakeLauncher(String instance) {
    this.instance = instance;
  }

  @Override
  public LaunchHandle start(LaunchRequest request, Consumer<LaunchEvent> events) {
    int now = startingNow.incrementAndGet();
    mostStartingAtOnce.accumulateAndGet(now, Math::max);
    try {
      synchronized (starts) {
        starts.add(request);
      }
      events.accept(LaunchEvent.PhaseChanged.of(LaunchEvent.Phase.ALLOCATING, "Preparing"));
      CountDownLatch hold = holdStarts;
      if (hold != null && !hold.await(10, TimeUnit.SECONDS)) {
        throw new LaunchException.NotReady("held too long");
      }
      String failure = failNextStart;
      if (failure != null) {
        failNextStart = null;
        events.accept(
            new LaunchEvent.PhaseChanged(LaunchEvent.Phase.FAILED, failure, List.of("last line")));
        throw new LaunchException.NotReady(failure);
      }
      request.mounts().forEach(m -> volumes.add(m.source()));
      Container existing = containers.get(request.serverId());
      if (existing == null || !existing.request.specHash().equals(request.specHash())) {
        existing = new Container(instance, request, "c" + ids.incrementAndGet());
        containers.put(request.serverId(), existing);
      }
      existing.running = true;
      events.accept(LaunchEvent.PhaseChanged.of(LaunchEvent.Phase.READY, "ready"));
      return handle(existing);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LaunchException.NotReady("interrupted");
    } finally {
      startingNow.decrementAndGet();
    }
  }

  /** A container of another Berth instance (or of this one, unknown to its records). */
  Container addContainer(String ofInstance, String serverId, boolean running) {
    LaunchRequest request =
        new LaunchRequest(
            "someone",
            new ServerName("other"),
            serverId,
            "img",
            "t",
            "/user/someone/other/",
            new Resources(64L << 20, 1, java.time.Duration.ZERO, java.time.Duration.ZERO),
            "h",
            List.of(),
            Map.of());
    Container c = new Container(ofInstance, request, "c" + ids.incrementAndGet());
    c.running = running;
    containers.put(serverId, c);
    return c;
  }

  Container container(String serverId) {
    return containers.get(serverId);
  }

  /** The container dies on its own (outside Berth). */
  void kill(String serverId) {
    containers.get(serverId).running = false;
  }

  @Override
  public ServerStatus status(LaunchHandle handle) {
    Container c = byId(handle.get("container"));
    if (c == null) {
      return new ServerStatus.Missing();
    }
    return c.running ? new ServerStatus.Running("127.0.0.1", 40000) : new ServerStatus.Stopped();
  }

  @Override
  public void stop(LaunchHandle handle) {
    Container c = byId(handle.get("container"));
    if (c != null) {
      c.running = false;
    }
  }

  @Override
  public void remove(LaunchHandle handle) {
    containers.values().removeIf(c -> c.id.equals(handle.get("container")));
  }

  @Override
  public void discard(String serverId) {
    containers.remove(serverId);
  }

  @Override
  public synchronized void deleteVolume(String source) {
    volumes.remove(source);
    deletedVolumes.add(source);
  }

  @Override
  public List<ManagedServer> listManaged() {
    return containers.values().stream()
        .map(
            c ->
                new ManagedServer(
                    c.instance,
                    c.request.serverId(),
                    c.request.owner(),
                    c.request.name().value(),
                    c.request.specHash(),
                    handle(c),
                    c.running))
        .toList();
  }

  Set<String> containerIds() {
    Set<String> ids = new HashSet<>();
    containers.values().forEach(c -> ids.add(c.id));
    return ids;
  }

  private Container byId(String id) {
    return containers.values().stream().filter(c -> c.id.equals(id)).findFirst().orElse(null);
  }

  private static LaunchHandle handle(Container c) {
    return new LaunchHandle(BACKEND, Map.of("container", c.id));
  }
}
