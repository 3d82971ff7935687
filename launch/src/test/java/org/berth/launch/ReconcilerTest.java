package org.berth.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Reconciliation on an in-memory store and a fake back end. */
class ReconcilerTest {

  final TestClock clock = new TestClock();
  final InMemoryServerStore store = new InMemoryServerStore();
  final FakeLauncher launcher = new FakeLauncher("me");
  final ServersTest.RecordingRoutes proxy = new ServersTest.RecordingRoutes();
  final RouteTable routes = new RouteTable(proxy);
  Set<String> launching = new java.util.HashSet<>();
  final Reconciler reconciler =
      new Reconciler(
          store,
          launcher,
          routes,
          "me",
          Duration.ofMinutes(5),
          clock,
          id -> launching.contains(id));

  Server running(String name) {
    LaunchRequest request =
        new LaunchRequest(
            "alice",
            new ServerName(name),
            name + "1",
            "img",
            "tok",
            "/user/alice/" + name + "/",
            new Resources(64L << 20, 1, Duration.ofHours(1), Duration.ZERO),
            "h",
            List.of(),
            java.util.Map.of());
    LaunchHandle handle = launcher.start(request, e -> {});
    return store.insert(
        new Server(
            new UserName("alice"),
            new ServerName(name),
            name + "1",
            new ServerSpec(ServerSpec.Source.NONE, "img", request.resources(), false, ""),
            "tok",
            ServerState.RUNNING,
            null,
            handle,
            clock.instant(),
            clock.instant()));
  }

  @Test
  void adoptsServersThatStillRunAfterARestart() {
    Server a = running("a");
    Server b = running("b");

    reconciler.reconcile();

    assertEquals(Set.of(a.serverId(), b.serverId()), proxy.open.keySet());
    assertEquals("tok", proxy.open.get(a.serverId()).token());
    assertEquals(ServerState.RUNNING, store.findByServerId(a.serverId()).orElseThrow().state());
  }

  @Test
  void marksServersThatDiedStoppedAndClosesTheirRoutes() {
    Server a = running("a");
    reconciler.reconcile();
    launcher.kill(a.serverId());

    reconciler.reconcile();

    Server after = store.findByServerId(a.serverId()).orElseThrow();
    assertEquals(ServerState.STOPPED, after.state());
    assertEquals("The server stopped outside Berth.", after.message());
    assertTrue(proxy.open.isEmpty());
  }

  @Test
  void aServerLeftStartingByACrashIsAdoptedOrMarkedFailed() {
    Server live = running("live");
    store.update(live.withState(ServerState.STARTING, null));
    Server dead =
        store.insert(
            new Server(
                new UserName("alice"),
                new ServerName("dead"),
                "dead1",
                live.spec(),
                "t",
                ServerState.STARTING,
                null,
                null,
                clock.instant(),
                null));

    reconciler.reconcile();

    assertEquals(ServerState.RUNNING, store.findByServerId(live.serverId()).orElseThrow().state());
    assertEquals(ServerState.FAILED, store.findByServerId(dead.serverId()).orElseThrow().state());
  }

  @Test
  void leavesServersBeingLaunchedAlone() {
    Server a = running("a");
    store.update(a.withState(ServerState.STARTING, null));
    launcher.kill(a.serverId());
    launching.add(a.serverId());

    reconciler.reconcile();

    assertEquals(ServerState.STARTING, store.findByServerId(a.serverId()).orElseThrow().state());
  }

  @Test
  void removesAnOrphanOfThisInstanceOnlyAfterTheGracePeriod() {
    launcher.addContainer("me", "orphan1", true);

    reconciler.reconcile();
    clock.advance(Duration.ofMinutes(4));
    reconciler.reconcile();
    assertNotNull(launcher.container("orphan1"), "still within the grace period");

    clock.advance(Duration.ofMinutes(2));
    reconciler.reconcile();
    assertNull(launcher.container("orphan1"));
  }

  @Test
  void neverTouchesAnotherInstancesContainers() {
    launcher.addContainer("other-berth", "theirs1", true);
    launcher.addContainer("other-berth", "theirs2", false);

    reconciler.reconcile();
    clock.advance(Duration.ofDays(30));
    reconciler.reconcile();

    assertNotNull(launcher.container("theirs1"));
    assertNotNull(launcher.container("theirs2"));
    assertTrue(launcher.container("theirs1").running);
  }

  @Test
  void neverRemovesAVolume() {
    running("a");
    launcher.volumes.add("berth-home-x");
    launcher.addContainer("me", "orphan1", false);
    reconciler.reconcile();
    clock.advance(Duration.ofHours(1));
    reconciler.reconcile();
    assertTrue(launcher.deletedVolumes.isEmpty());
    assertTrue(clock.instant().isAfter(Instant.parse("2026-11-27T10:00:00Z")));
  }
}
