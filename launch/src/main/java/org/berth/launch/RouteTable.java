package org.berth.launch;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The routes the domain has opened, kept so that it can ask running servers about themselves. */
final class RouteTable {

  private final Routes routes;
  private final Map<String, Route> open = new ConcurrentHashMap<>();

  RouteTable(Routes routes) {
    this.routes = routes;
  }

  /** Opens the route to a server that runs at {@code at}. */
  Route open(Server server, ServerStatus.Running at) {
    Route route =
        new Route(
            server.serverId(), server.owner(), server.name(), at.host(), at.port(), server.token());
    open.put(route.serverId(), route);
    routes.open(route);
    return route;
  }

  void close(String serverId) {
    open.remove(serverId);
    routes.close(serverId);
  }

  Optional<Route> find(String serverId) {
    return Optional.ofNullable(open.get(serverId));
  }
}
