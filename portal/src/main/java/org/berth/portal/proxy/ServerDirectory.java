package org.berth.portal.proxy;

import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The running servers the proxy may forward to, by server id, and when each was last used. Kept in
 * memory and filled by whoever starts or re-adopts servers. Thread-safe.
 */
@Singleton
public class ServerDirectory {

  private final Map<String, ServerRoute> routes = new ConcurrentHashMap<>();
  private final Map<String, Instant> activity = new ConcurrentHashMap<>();

  public void register(ServerRoute route) {
    routes.put(route.serverId(), route);
    activity.put(route.serverId(), Instant.now());
  }

  public void unregister(String serverId) {
    routes.remove(serverId);
  }

  public Optional<ServerRoute> find(String serverId) {
    return Optional.ofNullable(routes.get(serverId));
  }

  /** Records traffic through the proxy, for idle culling. */
  void touch(String serverId) {
    activity.put(serverId, Instant.now());
  }

  /** When the server last had traffic through the proxy, if it ever had. */
  public Optional<Instant> lastActivity(String serverId) {
    return Optional.ofNullable(activity.get(serverId));
  }
}
