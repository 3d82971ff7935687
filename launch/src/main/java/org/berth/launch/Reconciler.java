package org.berth.launch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the records and the routes in line with the back end: servers that run are re-adopted
 * (their routes opened), servers that no longer run are marked stopped, and back-end servers of
 * this Berth instance that no record knows are removed after a grace period. Servers of another
 * Berth instance sharing the back end are never touched, nor servers being launched right now.
 * Volumes are never removed here. Not thread-safe: one reconciliation at a time.
 */
final class Reconciler {

  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

  private final ServerStore store;
  private final Launcher launcher;
  private final RouteTable routes;
  private final String instance;
  private final Duration orphanGrace;
  private final Clock clock;
  private final Predicate<String> launching;
  private final Map<String, Instant> unknownSince = new ConcurrentHashMap<>();

  Reconciler(
      ServerStore store,
      Launcher launcher,
      RouteTable routes,
      String instance,
      Duration orphanGrace,
      Clock clock,
      Predicate<String> launching) {
    this.store = store;
    this.launcher = launcher;
    this.routes = routes;
    this.instance = instance;
    this.orphanGrace = orphanGrace;
    this.clock = clock;
    this.launching = launching;
  }

  void reconcile() {
    Set<String> known = new HashSet<>();
    for (Server server : store.listAll()) {
      known.add(server.serverId());
      if (launching.test(server.serverId())
          || server.is(ServerState.STOPPED)
          || server.is(ServerState.FAILED)) {
        continue;
      }
      ServerStatus status =
          server.launchHandle().map(launcher::status).orElse(new ServerStatus.Missing());
      if (status instanceof ServerStatus.Running running) {
        if (server.is(ServerState.STARTING)) {
          server = store.update(server.started(server.handle(), clock.instant()));
        }
        routes.open(server, running);
      } else {
        routes.close(server.serverId());
        Server marked =
            store.update(
                server.is(ServerState.STARTING)
                    ? server.withState(ServerState.FAILED, "Berth stopped while it was starting.")
                    : server.withState(ServerState.STOPPED, "The server stopped outside Berth."));
        LOG.info("Server {} is no longer running; marked {}", server, marked.state());
      }
    }
    Instant now = clock.instant();
    Set<String> seen = new HashSet<>();
    for (Launcher.ManagedServer managed : launcher.listManaged()) {
      if (!instance.equals(managed.instance())
          || managed.serverId() == null
          || known.contains(managed.serverId())
          || launching.test(managed.serverId())) {
        continue;
      }
      seen.add(managed.serverId());
      Instant since = unknownSince.computeIfAbsent(managed.serverId(), k -> now);
      if (!since.plus(orphanGrace).isAfter(now)) {
        LOG.info("Removing the container of unknown server {}", managed.serverId());
        launcher.remove(managed.handle());
        unknownSince.remove(managed.serverId());
      }
    }
    unknownSince.keySet().retainAll(seen);
  }
}
