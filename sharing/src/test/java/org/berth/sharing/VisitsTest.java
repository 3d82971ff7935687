package org.berth.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.berth.launch.LaunchEvent;
import org.berth.launch.LaunchHandle;
import org.berth.launch.LaunchRequest;
import org.berth.launch.Launcher;
import org.berth.launch.Mount;
import org.berth.launch.MountPlanner;
import org.berth.launch.Principal;
import org.berth.launch.Resources;
import org.berth.launch.Route;
import org.berth.launch.Routes;
import org.berth.launch.Server;
import org.berth.launch.ServerName;
import org.berth.launch.ServerSpec;
import org.berth.launch.ServerState;
import org.berth.launch.ServerStatus;
import org.berth.launch.UserName;
import org.junit.jupiter.api.Test;

/** Visitors' temporary servers with a back end in memory. */
class VisitsTest {

  Instant now = Instant.parse("2026-11-27T10:00:00Z");
  final Map<String, LaunchRequest> running = new ConcurrentHashMap<>();
  final List<String> discarded = new ArrayList<>();
  final Map<String, Route> routes = new ConcurrentHashMap<>();
  final Map<String, Instant> proxyActivity = new ConcurrentHashMap<>();

  final Launcher launcher =
      new Launcher() {
        @Override
        public LaunchHandle start(LaunchRequest r, Consumer<LaunchEvent> events) {
          running.put(r.serverId(), r);
          events.accept(LaunchEvent.PhaseChanged.of(LaunchEvent.Phase.READY, "ready"));
          return new LaunchHandle("fake", Map.of("container", r.serverId()));
        }

        @Override
        public ServerStatus status(LaunchHandle h) {
          return running.containsKey(h.get("container"))
              ? new ServerStatus.Running("127.0.0.1", 1)
              : new ServerStatus.Missing();
        }

        @Override
        public void stop(LaunchHandle h) {}

        @Override
        public void remove(LaunchHandle h) {
          running.remove(h.get("container"));
        }

        @Override
        public void discard(String serverId) {
          running.remove(serverId);
          discarded.add(serverId);
        }

        @Override
        public void deleteVolume(String source) {
          throw new AssertionError("a visit never deletes a volume");
        }

        @Override
        public List<ManagedServer> listManaged() {
          return List.of();
        }
      };

  final MountPlanner ownerMounts =
      new MountPlanner() {
        @Override
        public void check(Principal owner, ServerName name, ServerSpec spec) {}

        @Override
        public List<Mount> mountsFor(Principal o, Server s, Consumer<LaunchEvent> e) {
          throw new AssertionError("visits never make or pull the owner's mounts");
        }

        @Override
        public void deleted(Server server, boolean deleteData) {}

        @Override
        public void discarded(Server server) {}

        @Override
        public List<Mount> readOnlyMounts(Server server) {
          return List.of(new Mount("/srv/data", "berth-vol-1", "", true));
        }
      };

  Visits visits(int perLink, int overall) {
    return visits(perLink, overall, Runnable::run);
  }

  Visits visits(int perLink, int overall, java.util.concurrent.Executor background) {
    return new Visits(
        launcher,
        new Routes() {
          @Override
          public void open(Route route) {
            routes.put(route.serverId(), route);
          }

          @Override
          public void close(String serverId) {
            routes.remove(serverId);
          }
        },
        ownerMounts,
        List.of(route -> Optional.ofNullable(proxyActivity.get(route.serverId()))),
        new VisitSettings(
            Duration.ofHours(1),
            Duration.ofMinutes(10),
            perLink,
            overall,
            new Resources(256L << 20, 0.5, Duration.ZERO, Duration.ZERO)),
        background,
        new Clock() {
          @Override
          public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return now;
          }
        });
  }

  static Sharing.PublicTarget target(String link, boolean readOnlyMounts) {
    Server owner =
        new Server(
            new UserName("alice"),
            new ServerName("lab"),
            "owner1",
            new ServerSpec(
                ServerSpec.Source.NONE,
                "127.0.0.1:5000/built/lab:1",
                new Resources(1L << 30, 1, Duration.ofHours(1), Duration.ZERO),
                false,
                ""),
            "owner-token",
            ServerState.RUNNING,
            null,
            null,
            Instant.EPOCH,
            Instant.EPOCH);
    return new Sharing.PublicTarget(owner, new PublicAccess("owner1", link, true, readOnlyMounts));
  }

  @Test
  void aVisitorGetsAServerOfTheirOwnFromTheSameImageWithReadOnlyMounts() {
    Visits v = visits(5, 10);
    Visit visit = v.open(target("L", true), "session-a");

    LaunchRequest r = running.get(visit.id());
    assertNotEquals("owner1", visit.id(), "never the owner's server");
    assertEquals("127.0.0.1:5000/built/lab:1", r.image());
    assertEquals(List.of(new Mount("/srv/data", "berth-vol-1", "", true)), r.mounts());
    assertNotEquals("owner-token", r.token());
    assertTrue(routes.containsKey(visit.id()));
    assertEquals(Optional.of("session-a"), v.sessionOf(visit.id()));
    assertEquals(visit.id(), v.open(target("L", true), "session-a").id(), "the same visitor");
    assertNotEquals(visit.id(), v.open(target("L", true), "session-b").id());
  }

  @Test
  void aBinderClientIsToldTheVisitIsReadyOnlyOnceTheProxyServesIt() throws Exception {
    java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
    Visits v =
        visits(
            5,
            10,
            r ->
                new Thread(
                        () -> {
                          try {
                            go.await();
                          } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                          }
                          r.run();
                        })
                    .start());
    Visit visit = v.open(target("L", true), "s");
    assertEquals(Optional.empty(), v.awaitServed(visit.id(), Duration.ofMillis(50)), "starting");
    go.countDown();
    Optional<Visit> served = v.awaitServed(visit.id(), Duration.ofSeconds(5));
    assertTrue(served.isPresent() && served.get().ready());
    assertTrue(routes.containsKey(visit.id()), "its route is open by then");
    v.end(visit.id());
    assertEquals(Optional.empty(), v.awaitServed(visit.id(), Duration.ofMillis(50)), "ended");
  }

  @Test
  void anOwnerMayGiveVisitorsNoMountsAtAll() {
    Visit visit = visits(5, 10).open(target("L", false), "s");
    assertTrue(running.get(visit.id()).mounts().isEmpty());
  }

  @Test
  void pastTheCapsVisitorsAreToldToComeBack() {
    Visits v = visits(2, 3);
    v.open(target("L", true), "a");
    v.open(target("L", true), "b");
    SharingException.Busy busy =
        assertThrows(SharingException.Busy.class, () -> v.open(target("L", true), "c"));
    assertTrue(busy.getMessage().contains("busy"), busy.getMessage());
    v.open(target("M", true), "c");
    assertThrows(SharingException.Busy.class, () -> v.open(target("N", true), "d"));
  }

  @Test
  void aVisitEndsAtItsLifetimeOrWhenIdleAndItsContainerGoes() {
    Visits v = visits(5, 10);
    Visit busy = v.open(target("L", true), "busy");
    Visit idle = v.open(target("L", true), "idle");
    now = now.plus(Duration.ofMinutes(8));
    proxyActivity.put(busy.id(), now);
    now = now.plus(Duration.ofMinutes(5));

    assertTrue(v.isAlive(idle.id()), "reconciliation leaves a live visit's server alone");
    assertEquals(1, v.sweep());
    assertEquals(List.of(idle.id()), discarded);
    assertTrue(v.find(idle.id()).isEmpty());
    assertTrue(!v.isAlive(idle.id()), "an ended visit's container is an orphan if it remains");
    assertTrue(v.isAlive(busy.id()));
    assertTrue(!routes.containsKey(idle.id()));

    for (int i = 0; i < 6; i++) {
      now = now.plus(Duration.ofMinutes(9));
      proxyActivity.put(busy.id(), now);
    }
    assertEquals(1, v.sweep(), "the lifetime caps even a busy visit");
    assertEquals(Set.of(idle.id(), busy.id()), Set.copyOf(discarded));
    assertEquals(0, v.count());
  }
}
