package org.berth.portal.proxy;

import java.util.Set;

/**
 * Where a running server answers and who may reach it. {@code token} is the server's own secret: it
 * is added to proxied requests and never sent to a browser.
 */
public record ServerRoute(
    String serverId, String owner, Set<String> collaborators, String host, int port, String token) {

  public ServerRoute {
    collaborators = Set.copyOf(collaborators);
  }

  /** Whether this user may reach the server: its owner, or a collaborator. */
  public boolean admits(String username) {
    return owner.equals(username) || collaborators.contains(username);
  }

  @Override
  public String toString() {
    return "ServerRoute[" + serverId + " of " + owner + " at " + host + ":" + port + "]";
  }
}
