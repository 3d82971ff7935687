package org.berth.launch;

/**
 * Where a running server answers ({@code host:port}, on this machine 127.0.0.1) and the secret the
 * proxy adds to requests it forwards. The token is never sent to a browser nor printed.
 */
public record Route(
    String serverId, UserName owner, ServerName name, String host, int port, String token) {

  public String baseUrl() {
    return Server.baseUrl(owner, name);
  }

  @Override
  public String toString() {
    return "Route[" + serverId + " of " + owner + " at " + host + ":" + port + "]";
  }
}
