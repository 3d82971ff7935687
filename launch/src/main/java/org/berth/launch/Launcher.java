package org.berth.launch;

import java.util.List;
import java.util.function.Consumer;

/**
 * Starts, checks and stops servers in one back end (Docker, later Kubernetes). Exactly one is
 * active, chosen by {@code berth.launch.backend}. Implementations are thread-safe.
 */
public interface Launcher {

  /**
   * Starts the server and waits until it answers, reporting phases to {@code events}. An existing
   * server of the same id is started again with its home kept.
   *
   * @throws LaunchException when it cannot start or does not become ready; nothing it created for
   *     this attempt is left behind, except the home volume of a server that existed before
   */
  LaunchHandle start(LaunchRequest request, Consumer<LaunchEvent> events);

  ServerStatus status(LaunchHandle handle);

  /** Stops the server; its home is kept. Stopping a stopped or missing server does nothing. */
  void stop(LaunchHandle handle);

  /** Removes the server; its home is kept for a later start with the same server id. */
  void remove(LaunchHandle handle);

  /** Deletes a server's home for good. */
  void deleteHome(String serverId);

  /** Removes whatever exists of a server that failed to come into being: container and home. */
  void discard(String serverId);

  /** The servers this Berth instance owns in the back end, running or not. */
  List<ManagedServer> listManaged();

  /** A server found in the back end, with the labels Berth gave it. */
  record ManagedServer(
      String serverId,
      String owner,
      String name,
      String specHash,
      LaunchHandle handle,
      boolean running) {}
}
