package org.berth.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Culling on an in-memory store, a fake back end and activity sources the test controls. */
class CullerTest {

  final TestClock clock = new TestClock();
  final InMemoryServerStore store = new InMemoryServerStore();
  final FakeLauncher launcher = new FakeLauncher("me");
  final RouteTable routes = new RouteTable(new ServersTest.RecordingRoutes());
  final Activity proxy = new Activity();
  final Activity jupyter = new Activity();
  final Culler culler = new Culler(store, launcher, routes, List.of(proxy, jupyter), clock);

  /** An activity source whose answers the test sets. */
  static final class Activity implements ActivitySource {
    final Map<String, Instant> last = new HashMap<>();

    @Override
    public Optional<Instant> lastActivity(Route route) {
      return Optional.ofNullable(last.get(route.serverId()));
    }
  }

  Server running(String name, Duration idle, Duration maxAge, boolean cullingOff) {
    Resources r = new Resources(64L << 20, 1, idle, maxAge);
    LaunchRequest request =
        new LaunchRequest(
            "alice",
            new ServerName(name),
            name + "1",
            "img",
            "tok",
            "/user/alice/" + name + "/",
            r,
            "h",
            List.of(),
            Map.of());
    LaunchHandle handle = launcher.start(request, e -> {});
    Server s =
        store.insert(
            new Server(
                new UserName("alice"),
                new ServerName(name),
                name + "1",
                new ServerSpec(ServerSpec.Source.NONE, "img", r, cullingOff, ""),
                "tok",
                ServerState.RUNNING,
                null,
                handle,
                clock.instant(),
                clock.instant()));
    routes.open(s, new ServerStatus.Running("127.0.0.1", 1));
    return s;
  }

  ServerState state(Server s) {
    return store.findByServerId(s.serverId()).orElseThrow().state();
  }

  @Test
  void stopsAServerIdleLongerThanItsIdleTimeout() {
    Server s = running("idle", Duration.ofMinutes(30), Duration.ofDays(7), false);
    clock.advance(Duration.ofMinutes(29));
    assertTrue(culler.cull().isEmpty());
    clock.advance(Duration.ofMinutes(2));

    assertEquals(1, culler.cull().size());

    Server after = store.findByServerId(s.serverId()).orElseThrow();
    assertEquals(ServerState.STOPPED, after.state());
    assertEquals(Culler.IDLE, after.message());
    assertEquals(false, launcher.container(s.serverId()).running);
    assertTrue(routes.find(s.serverId()).isEmpty());
    assertTrue(launcher.deletedVolumes.isEmpty(), "culling never deletes data");
  }

  @Test
  void trafficThroughTheProxyKeepsAServerAlive() {
    Server s = running("busy", Duration.ofMinutes(30), Duration.ofDays(7), false);
    clock.advance(Duration.ofMinutes(25));
    proxy.last.put(s.serverId(), clock.instant());
    clock.advance(Duration.ofMinutes(25));

    culler.cull();

    assertEquals(ServerState.RUNNING, state(s));
  }

  @Test
  void workInsideTheServerThatJupyterReportsKeepsItAlive() {
    Server s = running("kernel", Duration.ofMinutes(30), Duration.ofDays(7), false);
    proxy.last.put(s.serverId(), clock.instant());
    clock.advance(Duration.ofMinutes(40));
    jupyter.last.put(s.serverId(), clock.instant().minus(Duration.ofMinutes(5)));

    culler.cull();
    assertEquals(ServerState.RUNNING, state(s), "a kernel at work counts as activity");

    clock.advance(Duration.ofMinutes(30));
    culler.cull();
    assertEquals(ServerState.STOPPED, state(s), "once both sources are quiet it goes");
  }

  @Test
  void cullingTurnedOffKeepsAnIdleServerRunning() {
    Server s = running("keep", Duration.ofMinutes(1), Duration.ofDays(7), true);
    clock.advance(Duration.ofHours(5));

    culler.cull();

    assertEquals(ServerState.RUNNING, state(s));
  }

  @Test
  void aServerPastItsMaximumAgeStopsEvenWithCullingOffAndActivity() {
    Server s = running("old", Duration.ofHours(1), Duration.ofHours(2), true);
    clock.advance(Duration.ofMinutes(119));
    proxy.last.put(s.serverId(), clock.instant());
    culler.cull();
    assertEquals(ServerState.RUNNING, state(s));

    clock.advance(Duration.ofMinutes(2));
    proxy.last.put(s.serverId(), clock.instant());
    culler.cull();

    Server after = store.findByServerId(s.serverId()).orElseThrow();
    assertEquals(ServerState.STOPPED, after.state());
    assertEquals(Culler.MAX_AGE, after.message());
  }

  @Test
  void anIdleTimeoutOfZeroMeansNoIdleCulling() {
    Server s = running("zero", Duration.ZERO, Duration.ZERO, false);
    clock.advance(Duration.ofDays(3));
    culler.cull();
    assertEquals(ServerState.RUNNING, state(s));
  }
}
