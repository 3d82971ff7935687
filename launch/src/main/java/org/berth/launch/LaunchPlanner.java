package org.berth.launch;

import java.util.List;
import java.util.Optional;

/**
 * Decides what a launch does with the server of that name: create it, reuse it as it is, update its
 * settings, start it again, recreate it, or ask the owner first. Pure: it looks only at what it is
 * given.
 */
final class LaunchPlanner {

  /** What a launch does. */
  sealed interface Plan {}

  /** No server of that name: make one. */
  record Create(ServerSpec spec) implements Plan {}

  /** It runs with this spec already (the open path may differ): nothing to start. */
  record Reuse(Server server) implements Plan {}

  /**
   * Start it (stopped or failed), or restart it with a new container, with {@code spec}; {@code
   * newContainer} when the container must be made anew (its volumes are kept).
   */
  record Start(Server server, ServerSpec spec, boolean newContainer) implements Plan {}

  private final int maxServersPerUser;

  LaunchPlanner(int maxServersPerUser) {
    this.maxServersPerUser = maxServersPerUser;
  }

  /**
   * @param existing the owner's server of that name, if any
   * @param wanted the spec asked for, resolved
   * @param running whether the existing server runs now
   * @param owned how many servers the owner has
   * @param confirmed whether the owner has agreed to the changes
   * @throws LaunchException.SpecChanged when a setting differs and the owner has not confirmed
   * @throws LaunchException.TooManyServers when a new server would be one too many
   */
  Plan plan(
      Optional<Server> existing,
      ServerSpec wanted,
      boolean running,
      long owned,
      boolean confirmed) {
    if (existing.isEmpty()) {
      if (owned >= maxServersPerUser) {
        throw new LaunchException.TooManyServers(
            "You have "
                + maxServersPerUser
                + " servers, the most allowed. Delete one before creating another.");
      }
      return new Create(wanted);
    }
    Server server = existing.get();
    List<String> changes = wanted.changesFrom(server.spec());
    boolean newContainer = wanted.needsNewContainer(server.spec());
    if (!changes.isEmpty() && !confirmed) {
      throw new LaunchException.SpecChanged(server.name().value(), changes, newContainer);
    }
    if (running && !newContainer) {
      // Idle timeout, culling and the path to open are Berth's own settings: no restart needed.
      return new Reuse(server.withSpec(wanted));
    }
    return new Start(server, wanted, newContainer);
  }
}
