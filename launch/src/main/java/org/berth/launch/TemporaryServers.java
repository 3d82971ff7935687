package org.berth.launch;

/**
 * Servers another part of Berth runs on the back end outside the {@link ServerStore} (visitors'
 * temporary servers). Reconciliation leaves a container alone while its owner says it is alive, and
 * removes it as an orphan, after the grace period, once nobody does (after a restart of Berth,
 * say).
 */
public interface TemporaryServers {

  /** Whether the server of this id is one of these, still alive. */
  boolean isAlive(String serverId);
}
