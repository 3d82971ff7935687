package org.berth.portal.servers;

import jakarta.inject.Singleton;
import java.util.List;
import org.berth.launch.LaunchEvent;
import org.berth.launch.Principal;
import org.berth.launch.Server;
import org.berth.launch.Servers;
import org.berth.portal.proxy.OriginAccess;
import reactor.core.publisher.Flux;

/**
 * Shows the servers domain to the web: servers as {@link ServerView}s with their origin, a launch's
 * events as a stream, and the hand-off link that opens a server in the browser.
 */
@Singleton
public class ServerViews {

  private final Servers servers;
  private final OriginAccess origins;

  ServerViews(Servers servers, OriginAccess origins) {
    this.servers = servers;
    this.origins = origins;
  }

  public ServerView of(Server server) {
    return ServerView.of(server, origins.origin(server.serverId()));
  }

  public List<ServerView> list(Principal owner) {
    return servers.list(owner).stream().map(this::of).toList();
  }

  public ServerView get(Principal owner, String name) {
    return of(servers.get(owner, name));
  }

  /**
   * The latest launch's events: the past ones, then the live ones, completing when the launch ends.
   * Empty when this Berth has not launched the server.
   *
   * @throws org.berth.launch.LaunchException.ServerNotFound when there is neither such a server nor
   *     a launch of it
   */
  public Flux<LaunchEvent> events(Principal owner, String name) {
    servers.follow(owner, name, e -> {}).ifPresent(LaunchEventViews::close); // 404 first
    return LaunchEventViews.stream(listener -> servers.follow(owner, name, listener));
  }

  /** A one-time link that signs the owner into the server's origin and opens its path. */
  public String openLink(Principal owner, String name) {
    return openLink(owner, name, "");
  }

  /**
   * As {@link #openLink(Principal, String)}, opening {@code urlPath} under the server's base URL
   * instead (a launch link's {@code urlpath}, already checked by the sharing module); the server's
   * own path to open when it is empty.
   */
  public String openLink(Principal owner, String name, String urlPath) {
    Server server = servers.get(owner, name);
    String next;
    if (urlPath != null && !urlPath.isEmpty()) {
      next = server.baseUrl() + org.berth.sharing.BinderLinks.escapePath(urlPath);
    } else {
      String path = server.spec().openPath();
      next = server.baseUrl() + (path.isEmpty() ? "tree" : "tree/" + path);
    }
    return origins.handoffLink(owner.username(), server.serverId(), next);
  }
}
