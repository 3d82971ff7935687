package org.berth.launch;

import java.util.List;
import java.util.function.Consumer;

/**
 * Decides which volumes a server mounts, and what becomes of them when the server goes. The servers
 * domain asks; {@link ServerHomes} (one home volume per server, no other mounts) is the plan when
 * nothing else is wired in, and the volumes module provides the full one (personal homes, shared
 * and course volumes, seeding). Implementations are thread-safe.
 */
public interface MountPlanner {

  /**
   * Checks the mounts a spec asks for, before anything is recorded or started: whether the owner
   * may mount each volume, and that way.
   *
   * @throws LaunchException.InvalidMount when a mount cannot be made
   * @throws LaunchException.MountForbidden when the owner may not mount a volume (that way)
   */
  void check(Principal owner, ServerName name, ServerSpec spec);

  /**
   * The mounts of a server about to start, asked at every start, with the volumes made, seeded and
   * pulled as the spec says; what a pull could not apply is told to {@code events}.
   */
  List<Mount> mountsFor(Principal owner, Server server, Consumer<LaunchEvent> events);

  /**
   * The server was deleted. {@code deleteData} is true only when its owner asked to delete its data
   * as well; otherwise nothing may be lost.
   */
  void deleted(Server server, boolean deleteData);

  /** A server that failed to come into being: remove what {@link #mountsFor} made for it alone. */
  void discarded(Server server);

  /**
   * What a visitor's temporary copy of {@code server} mounts: the server's own mounts (not its
   * owner's home), every one read-only, with no side effect (nothing made, seeded or pulled). Empty
   * when it has none.
   */
  default List<Mount> readOnlyMounts(Server server) {
    return List.of();
  }

  /**
   * In words, the data that deleting the server with its data would remove ("your home volume
   * (/home/jovyan) and every file in it"); empty when nothing would go (a home other servers use is
   * kept).
   */
  default List<String> dataOf(Server server) {
    return List.of();
  }
}
