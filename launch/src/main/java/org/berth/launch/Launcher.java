package org.berth.launch;

import java.util.List;
import java.util.function.Consumer;

/**
 * Starts, checks and stops servers in one back end (Docker, later Kubernetes). Exactly one is
 * active, chosen by {@code berth.launch.backend}. The launcher carries out decisions made above it:
 * which servers run, with which mounts, when they stop. Implementations are thread-safe.
 */
public interface Launcher {

  /**
   * Starts the server and waits until it answers, reporting phases to {@code events}. An existing
   * server of the same id with the same spec hash is started again; one with another spec hash is
   * replaced. Volumes named by the mounts are created when missing and never removed here.
   *
   * @throws LaunchException when it cannot start or does not become ready; a container it created
   *     for this attempt is stopped
   */
  LaunchHandle start(LaunchRequest request, Consumer<LaunchEvent> events);

  ServerStatus status(LaunchHandle handle);

  /** Stops the server; its volumes are kept. Stopping a stopped or missing server does nothing. */
  void stop(LaunchHandle handle);

  /** Removes the server's container (not its volumes). Removing a missing one does nothing. */
  void remove(LaunchHandle handle);

  /** Removes the container of a server id, if there is one (not its volumes). */
  void discard(String serverId);

  /** Deletes a volume for good. Deleting a missing volume does nothing. */
  void deleteVolume(String source);

  /**
   * The servers Berth made in this back end, running or not, of every Berth instance that shares
   * it; each says which instance it belongs to, so that a caller can leave others' alone.
   */
  List<ManagedServer> listManaged();

  /** A server found in the back end, with the labels Berth gave it. */
  record ManagedServer(
      String instance,
      String serverId,
      String owner,
      String name,
      String specHash,
      LaunchHandle handle,
      boolean running) {}
}
