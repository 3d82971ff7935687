package org.berth.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The servers domain's launch semantics on an in-memory store and a fake back end. */
class ServersTest {

  static final String IMAGE = "127.0.0.1:5000/berth/jupyter-base:1";
  static final Principal ALICE = Principal.of("alice");
  static final Principal BOB = Principal.of("bob");

  final TestClock clock = new TestClock();
  final InMemoryServerStore store = new InMemoryServerStore();
  final FakeLauncher launcher = new FakeLauncher("me");
  final RecordingRoutes routes = new RecordingRoutes();
  final List<String> builtFor = new ArrayList<>();
  final ExecutorService background = Executors.newCachedThreadPool();
  Servers servers = servers(2, 0);

  @AfterEach
  void stop() {
    background.shutdownNow();
  }

  Servers servers(int slots, int maxRunning) {
    return servers(slots, maxRunning, List.of());
  }

  Servers servers(int slots, int maxRunning, List<TemporaryServers> temporary) {
    LaunchLimits limits =
        new LaunchLimits(
            4L << 30,
            2,
            256,
            3,
            Duration.ofHours(24),
            Duration.ofDays(7),
            Duration.ofSeconds(60),
            new Resources(1L << 30, 1, Duration.ofHours(1), Duration.ofDays(7)));
    ImageSource images =
        (repo, ref, requester) -> {
          builtFor.add(requester.value() + ":" + repo + "@" + ref);
          return new ImageSource.BuiltImage(
              "127.0.0.1:5000/built/" + repo.replaceAll("\\W", "") + ":" + ref, ref + "0000");
        };
    return new Servers(
        store,
        launcher,
        images,
        routes,
        List.of(),
        new ServerHomes(launcher),
        new ServersSettings(
            limits, IMAGE, "127.0.0.1:5000/", Duration.ofMinutes(5), slots, maxRunning, "me"),
        background,
        clock,
        List.of(),
        temporary);
  }

  static ServerSpec.Request request() {
    return ServerSpec.Request.defaults();
  }

  static ServerSpec.Request memory(String m) {
    return new ServerSpec.Request(null, null, null, m, null, null, null, null);
  }

  static ServerSpec.Request idle(String t) {
    return new ServerSpec.Request(null, null, null, null, null, t, null, null);
  }

  @Test
  void createsAServerWithItsOwnHomeAndOpensItsRoute() {
    Servers.Launched launched = servers.launch(ALICE, "lab", request(), false);

    assertTrue(launched.created());
    Server server = launched.server();
    assertEquals(ServerState.RUNNING, server.state());
    assertEquals(IMAGE, server.spec().image());
    assertEquals("/user/alice/lab/", server.baseUrl());
    LaunchRequest started = launcher.starts.get(0);
    assertEquals(
        List.of(Mount.of("/home/jovyan", "berth-home-" + server.serverId())), started.mounts());
    assertEquals(Set.of(server.serverId()), routes.open.keySet());
    assertEquals(1 << 30, started.resources().memoryBytes(), "the default memory applies");
  }

  @Test
  void aRunningServerThatNowGetsTheTokenIsStoppedSoTheLaunchStartsItWithIt() {
    CredentialsHandOverTest.Grants grants = new CredentialsHandOverTest.Grants();
    CredentialChoices choices = new CredentialChoices(grants, store, servers);
    ServerName lab = new ServerName("lab");
    servers.launch(ALICE, "lab", request(), false);

    choices.record(ALICE, lab, new CredentialsRule.Decision(true, ""));
    assertTrue(grants.granted(ALICE.name(), lab));
    assertEquals(ServerState.STOPPED, store.find(ALICE.name(), lab).orElseThrow().state());

    servers.launch(ALICE, "lab", request(), false);
    choices.record(ALICE, lab, new CredentialsRule.Decision(true, ""));
    assertEquals(
        ServerState.RUNNING,
        store.find(ALICE.name(), lab).orElseThrow().state(),
        "a server that has the token already keeps running");

    choices.record(ALICE, lab, new CredentialsRule.Decision(false, "not asked"));
    assertFalse(grants.granted(ALICE.name(), lab));
  }

  @Test
  void reusesServerWhenSpecUnchanged() {
    Server first = servers.launch(ALICE, "lab", request(), false).server();
    Servers.Launched again = servers.launch(ALICE, "lab", request(), false);

    assertFalse(again.created());
    assertEquals(first.serverId(), again.server().serverId());
    assertEquals(1, launcher.starts.size(), "a running server with the same spec is not started");
  }

  @Test
  void startsAStoppedServerAgainInTheSameContainer() {
    Server first = servers.launch(ALICE, "lab", request(), false).server();
    String container = first.handle().get("container");
    servers.stop(ALICE, "lab");
    assertTrue(routes.open.isEmpty(), "a stopped server has no route");

    Server again = servers.launch(ALICE, "lab", request(), false).server();
    assertEquals(ServerState.RUNNING, again.state());
    assertEquals(container, again.handle().get("container"));
  }

  @Test
  void asksBeforeChangingAnySettingAndChangesNothingMeanwhile() {
    Server first = servers.launch(ALICE, "lab", request(), false).server();

    LaunchException.SpecChanged memory =
        assertThrows(
            LaunchException.SpecChanged.class,
            () -> servers.launch(ALICE, "lab", memory("512M"), false));
    assertEquals(List.of("memory: 1024 MiB → 512 MiB"), memory.changes());
    assertTrue(memory.newContainer());
    LaunchException.SpecChanged idle =
        assertThrows(
            LaunchException.SpecChanged.class,
            () -> servers.launch(ALICE, "lab", idle("2h"), false));
    assertEquals(List.of("idle timeout: 1h → 2h"), idle.changes());
    assertFalse(idle.newContainer(), "an idle timeout is Berth's, not the container's");
    assertEquals(first, store.find(first.owner(), first.name()).orElseThrow());
    assertEquals(1, launcher.starts.size());
  }

  @Test
  void aConfirmedRecreateKeepsTheHomeMount() {
    Server first = servers.launch(ALICE, "lab", request(), false).server();
    String oldContainer = first.handle().get("container");

    Server recreated = servers.launch(ALICE, "lab", memory("512M"), true).server();

    assertEquals(512L << 20, recreated.spec().resources().memoryBytes());
    assertNotEquals(oldContainer, recreated.handle().get("container"));
    assertEquals(launcher.starts.get(0).mounts(), launcher.starts.get(1).mounts());
    assertTrue(launcher.volumes.contains("berth-home-" + first.serverId()));
    assertTrue(launcher.deletedVolumes.isEmpty(), "no volume is touched by a recreate");
  }

  @Test
  void aConfirmedChangeOfBerthsOwnSettingsDoesNotRestartTheServer() {
    Server first = servers.launch(ALICE, "lab", request(), false).server();
    Server changed = servers.launch(ALICE, "lab", idle("2h"), true).server();

    assertEquals(Duration.ofHours(2), changed.spec().resources().idleTimeout());
    assertEquals(first.handle(), changed.handle());
    assertEquals(1, launcher.starts.size());
  }

  @Test
  void startKeepsEverySavedSetting() {
    ServerSpec.Request custom =
        new ServerSpec.Request(
            null, "https://example.org/r.git", "main", "512M", 0.5, "2h", "nb", true);
    Server first = servers.launch(ALICE, "lab", custom, false).server();
    servers.stop(ALICE, "lab");

    Server started = servers.start(ALICE, "lab");

    assertEquals(first.spec(), started.spec());
    assertEquals(1, builtFor.size(), "a start runs the saved image; nothing is built again");
    assertEquals(ServerState.RUNNING, started.state());
  }

  @Test
  void aLaunchThatBuildsNamesItsUserAsTheRequester() {
    servers.launch(
        BOB,
        "r",
        new ServerSpec.Request(null, "https://x.org/r", "v1", null, null, null, null, null),
        false);
    assertEquals(List.of("bob:https://x.org/r@v1"), builtFor);
  }

  @Test
  void aFailedFirstLaunchLeavesNothingBehindAndSaysWhy() {
    launcher.failNextStart = "it crashed";
    List<LaunchEvent> events = new ArrayList<>();

    assertThrows(
        LaunchException.NotReady.class, () -> servers.launch(ALICE, "lab", request(), false));

    assertTrue(store.listAll().isEmpty());
    assertTrue(launcher.listManaged().isEmpty());
    assertEquals(1, launcher.deletedVolumes.size(), "the new home is removed");
    servers.follow(ALICE, "lab", events::add);
    LaunchEvent.PhaseChanged last = (LaunchEvent.PhaseChanged) events.get(events.size() - 1);
    assertEquals(LaunchEvent.Phase.FAILED, last.phase());
    assertEquals(List.of("last line"), last.lastLogLines());
  }

  @Test
  void aTemporaryServerAliveElsewhereIsNoOrphanUntilItsOwnerLetsGo() {
    java.util.Set<String> alive = new java.util.HashSet<>(java.util.Set.of("visit1"));
    Servers withVisits = servers(2, 0, List.of(alive::contains));
    launcher.addContainer("me", "visit1", true);

    withVisits.reconcile();
    clock.advance(Duration.ofMinutes(30));
    withVisits.reconcile();
    assertNotNull(launcher.container("visit1"), "a visitor's server lives past the orphan grace");

    alive.clear(); // Berth restarted, say: nobody knows the visit any more
    withVisits.reconcile();
    clock.advance(Duration.ofMinutes(6));
    withVisits.reconcile();
    assertNull(launcher.container("visit1"));
  }

  @Test
  void anUnexpectedFailureWhileMountingLeavesNothingBehindAndEndsTheEvents() {
    Servers failing =
        new Servers(
            store,
            launcher,
            (repo, ref, requester) -> null,
            routes,
            List.of(),
            new MountPlanner() {
              @Override
              public void check(Principal owner, ServerName name, ServerSpec spec) {}

              @Override
              public List<Mount> mountsFor(
                  Principal owner, Server server, java.util.function.Consumer<LaunchEvent> events) {
                throw new IllegalStateException("the volume store is down");
              }

              @Override
              public void deleted(Server server, boolean deleteData) {}

              @Override
              public void discarded(Server server) {}
            },
            servers.settings(),
            background,
            clock,
            List.of(),
            List.of());

    LaunchException e =
        assertThrows(LaunchException.class, () -> failing.launch(ALICE, "lab", request(), false));

    assertTrue(e.getMessage().contains("the volume store is down"), e.getMessage());
    assertTrue(store.listAll().isEmpty());
    List<LaunchEvent> events = new ArrayList<>();
    failing.follow(ALICE, "lab", events::add);
    assertEquals(
        LaunchEvent.Phase.FAILED,
        ((LaunchEvent.PhaseChanged) events.get(events.size() - 1)).phase());
  }

  @Test
  void aFailedRestartKeepsTheServerAndItsHome() {
    servers.launch(ALICE, "lab", request(), false);
    servers.stop(ALICE, "lab");
    launcher.failNextStart = "no memory";

    assertThrows(
        LaunchException.NotReady.class, () -> servers.launch(ALICE, "lab", request(), false));

    Server kept = servers.get(ALICE, "lab");
    assertEquals(ServerState.FAILED, kept.state());
    assertEquals("no memory", kept.message());
    assertTrue(launcher.deletedVolumes.isEmpty());
  }

  @Test
  void ownersSeeOnlyTheirOwnServers() {
    servers.launch(ALICE, "lab", request(), false);
    assertTrue(servers.list(BOB).isEmpty());
    assertThrows(LaunchException.ServerNotFound.class, () -> servers.get(BOB, "lab"));
    assertThrows(LaunchException.ServerNotFound.class, () -> servers.stop(BOB, "lab"));
    assertThrows(LaunchException.ServerNotFound.class, () -> servers.delete(BOB, "lab", true));
    assertEquals(ServerState.RUNNING, servers.get(ALICE, "lab").state());
  }

  @Test
  void deleteKeepsTheHomeUnlessTheOwnerAsksToDeleteItsData() {
    Server kept = servers.launch(ALICE, "keep", request(), false).server();
    Server gone = servers.launch(ALICE, "gone", request(), false).server();

    servers.delete(ALICE, "keep", false);
    servers.delete(ALICE, "gone", true);

    assertTrue(store.listAll().isEmpty());
    assertTrue(launcher.volumes.contains("berth-home-" + kept.serverId()));
    assertEquals(List.of("berth-home-" + gone.serverId()), launcher.deletedVolumes);
  }

  @Test
  void refusesAServerOverTheOwnersLimit() {
    servers.launch(ALICE, "a", request(), false);
    servers.launch(ALICE, "b", request(), false);
    servers.launch(ALICE, "c", request(), false);
    assertThrows(
        LaunchException.TooManyServers.class, () -> servers.launch(ALICE, "d", request(), false));
    assertEquals(3, store.countByOwner(ALICE.name()));
  }

  @Test
  void refusesNewStartsWhenBerthRunsAsManyServersAsItMay() {
    servers = servers(2, 2);
    servers.launch(ALICE, "a", request(), false);
    servers.launch(BOB, "b", request(), false);

    LaunchException.AtCapacity busy =
        assertThrows(
            LaunchException.AtCapacity.class, () -> servers.launch(BOB, "c", request(), false));
    assertTrue(busy.retryAfter().toSeconds() > 0);
    assertTrue(servers.launch(ALICE, "a", request(), false).server().is(ServerState.RUNNING));
    servers.stop(ALICE, "a");
    assertTrue(servers.launch(BOB, "c", request(), false).created());
  }

  @Test
  void badNamesPathsAndResourcesAreRefusedAndLeaveNothing() {
    assertThrows(
        LaunchException.InvalidServerName.class,
        () -> servers.launch(ALICE, "../x", request(), false));
    assertThrows(
        LaunchException.InvalidPath.class,
        () ->
            servers.launch(
                ALICE,
                "p",
                new ServerSpec.Request(
                    null, null, null, null, null, null, "a\r\nSet-Cookie: x", null),
                false));
    assertThrows(
        LaunchException.LimitExceeded.class,
        () ->
            servers.launch(
                ALICE,
                "c",
                new ServerSpec.Request(null, null, null, null, 1e-9, null, null, null),
                false));
    assertThrows(
        LaunchException.ImageNotAllowed.class,
        () ->
            servers.launch(
                ALICE,
                "i",
                new ServerSpec.Request(
                    "docker.io/evil:1", null, null, null, null, null, null, null),
                false));
    assertTrue(store.listAll().isEmpty());
    assertTrue(launcher.starts.isEmpty());
  }

  @Test
  void problemsNameEverySettingARequestGetsWrongAtOnce() {
    Map<ServerSpec.Setting, String> problems =
        servers.problems(
            "Bad Name",
            new ServerSpec.Request(null, null, null, "lots", 99.0, "2x", "../up", null));

    assertEquals(
        Set.of(
            ServerSpec.Setting.NAME,
            ServerSpec.Setting.MEMORY,
            ServerSpec.Setting.CPUS,
            ServerSpec.Setting.IDLE_TIMEOUT,
            ServerSpec.Setting.PATH),
        problems.keySet());
    assertTrue(problems.get(ServerSpec.Setting.MEMORY).contains("512M"), problems.toString());
    assertTrue(problems.get(ServerSpec.Setting.CPUS).contains("limit of 2"), problems.toString());
    assertTrue(problems.get(ServerSpec.Setting.IDLE_TIMEOUT).contains("30m"), problems.toString());
    assertTrue(servers.problems("lab", request()).isEmpty());
    assertTrue(store.listAll().isEmpty());
  }

  @Test
  void limitsAreNamedInTheWordsPeopleWriteDurationsIn() {
    Map<ServerSpec.Setting, String> problems = servers.problems("lab", idle("2d"));

    assertEquals(
        "Idle timeout 2d is over the limit of 1d.", problems.get(ServerSpec.Setting.IDLE_TIMEOUT));
  }

  @Test
  void startSlotsMakeACrowdOfLaunchesWaitTheirTurnAndAllBecomeReady() throws Exception {
    CountDownLatch hold = new CountDownLatch(1);
    launcher.holdStarts = hold;
    List<Server> launched = new ArrayList<>();
    for (String name : List.of("a", "b", "c", "d")) {
      launched.add(servers.launchInBackground(Principal.of("u" + name), name, request(), false));
    }
    Map<String, List<LaunchEvent>> seen = new ConcurrentHashMap<>();
    for (Server s : launched) {
      List<LaunchEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
      seen.put(s.name().value(), events);
      servers.follow(new Principal(s.owner(), Set.of()), s.name().value(), events::add);
    }
    awaitTrue(() -> launcher.starts.size() == 2);
    Thread.sleep(100);
    assertEquals(2, launcher.starts.size(), "only two start at once");
    hold.countDown();
    awaitTrue(() -> store.listByState(ServerState.RUNNING).size() == 4);
    assertEquals(2, launcher.mostStartingAtOnce.get());
    long waited =
        seen.values().stream()
            .filter(
                events ->
                    events.stream()
                        .anyMatch(
                            e ->
                                ((LaunchEvent.PhaseChanged) e)
                                    .message()
                                    .equals("Waiting for a free start slot")))
            .count();
    assertEquals(2, waited, "the two that waited were told so");
  }

  @Test
  void eventsOfALaunchAreReplayedToLateFollowersAndEndOnce() {
    servers.launch(ALICE, "lab", request(), false);
    List<LaunchEvent> events = new ArrayList<>();
    Optional<AutoCloseable> following = servers.follow(ALICE, "lab", events::add);

    assertTrue(following.isPresent());
    List<LaunchEvent.Phase> phases =
        events.stream().map(e -> ((LaunchEvent.PhaseChanged) e).phase()).toList();
    assertEquals(List.of(LaunchEvent.Phase.ALLOCATING, LaunchEvent.Phase.READY), phases);
    assertThrows(
        LaunchException.ServerNotFound.class, () -> servers.follow(ALICE, "never", e -> {}));
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met in time");
      }
      Thread.sleep(10);
    }
  }

  /** Routes as the proxy would keep them. */
  static final class RecordingRoutes implements Routes {
    final Map<String, Route> open = new ConcurrentHashMap<>();

    @Override
    public void open(Route route) {
      open.put(route.serverId(), route);
    }

    @Override
    public void close(String serverId) {
      open.remove(serverId);
    }
  }
}
