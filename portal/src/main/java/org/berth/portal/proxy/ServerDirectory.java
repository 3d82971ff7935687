package org.berth.portal.proxy;

import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.berth.launch.ActivitySource;
import org.berth.launch.Route;
import org.berth.launch.Routes;

/**
 * The running servers the proxy may forward to, by server id, and when each last had traffic
 * through the proxy. The servers domain opens and closes routes; the proxy reads them and reports
 * activity back for culling. Kept in memory (reconciliation fills it again after a restart).
 * Thread-safe.
 */
@Singleton
public class ServerDirectory implements Routes, ActivitySource {

  private final Map<String, Route> routes = new ConcurrentHashMap<>();
  private final Map<String, Instant> activity = new ConcurrentHashMap<>();

  @Override
  public void open(Route route) {
    routes.put(route.serverId(), route);
    activity.putIfAbsent(route.serverId(), Instant.now());
  }

  @Override
  public void close(String serverId) {
    routes.remove(serverId);
    activity.remove(serverId);
  }

  public Optional<Route> find(String serverId) {
    return Optional.ofNullable(routes.get(serverId));
  }

  /** Records traffic through the proxy, for idle culling. */
  void touch(String serverId) {
    activity.put(serverId, Instant.now());
  }

  @Override
  public Optional<Instant> lastActivity(Route route) {
    return Optional.ofNullable(activity.get(route.serverId()));
  }
}
