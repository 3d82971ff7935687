package org.berth.launch;

/**
 * Hears what happens to servers, so that what other domains keep about a server (who it is shared
 * with, its public link) goes with it. Called after the change, on the caller's thread.
 */
public interface ServerListener {

  /** The server was deleted. */
  void deleted(Server server);
}
