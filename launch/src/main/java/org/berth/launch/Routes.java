package org.berth.launch;

/**
 * The way traffic reaches running servers. The domain opens a route when a server is ready or
 * re-adopted and closes it when the server stops or goes; the portal's proxy implements it.
 * Implementations are thread-safe.
 */
public interface Routes {

  void open(Route route);

  /** Closes the route of a server; closing an unknown one does nothing. */
  void close(String serverId);
}
