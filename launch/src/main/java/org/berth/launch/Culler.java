package org.berth.launch;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops running servers that were idle for longer than their idle timeout (unless their owner
 * turned culling off) and any that passed their maximum age (always). A server's last activity is
 * the latest of its start and what every {@link ActivitySource} reports. Culling stops; it never
 * removes a server or its volumes. Not thread-safe: one pass at a time.
 */
final class Culler {

  private static final Logger LOG = LoggerFactory.getLogger(Culler.class);

  static final String IDLE = "Stopped: idle for longer than its idle timeout.";
  static final String MAX_AGE = "Stopped: it reached its maximum age.";

  private final ServerStore store;
  private final Launcher launcher;
  private final RouteTable routes;
  private final List<ActivitySource> sources;
  private final Clock clock;

  Culler(
      ServerStore store,
      Launcher launcher,
      RouteTable routes,
      List<ActivitySource> sources,
      Clock clock) {
    this.store = store;
    this.launcher = launcher;
    this.routes = routes;
    this.sources = List.copyOf(sources);
    this.clock = clock;
  }

  /** One pass; returns the servers it stopped. */
  List<Server> cull() {
    Instant now = clock.instant();
    return store.listByState(ServerState.RUNNING).stream()
        .filter(server -> reason(server, now).map(r -> stop(server, r)).orElse(false))
        .toList();
  }

  private Optional<String> reason(Server server, Instant now) {
    Instant started = server.startedAt() == null ? server.createdAt() : server.startedAt();
    Resources r = server.spec().resources();
    if (!r.maxAge().isZero() && started.plus(r.maxAge()).isBefore(now)) {
      return Optional.of(MAX_AGE);
    }
    if (server.spec().cullingDisabled() || r.idleTimeout().isZero()) {
      return Optional.empty();
    }
    if (!started.plus(r.idleTimeout()).isBefore(now)) {
      return Optional.empty(); // not idle long enough even if nothing happened since the start
    }
    Instant last = started;
    Optional<Route> route = routes.find(server.serverId());
    if (route.isPresent()) {
      for (ActivitySource source : sources) {
        Optional<Instant> seen = source.lastActivity(route.get());
        if (seen.isPresent() && seen.get().isAfter(last)) {
          last = seen.get();
        }
      }
    }
    return last.plus(r.idleTimeout()).isBefore(now) ? Optional.of(IDLE) : Optional.empty();
  }

  private boolean stop(Server server, String reason) {
    server.launchHandle().ifPresent(launcher::stop);
    routes.close(server.serverId());
    store.update(server.withState(ServerState.STOPPED, reason));
    LOG.info("Culled {}: {}", server, reason);
    return true;
  }
}
