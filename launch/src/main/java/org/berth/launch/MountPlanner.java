package org.berth.launch;

import java.util.List;

/**
 * Decides which volumes a server mounts, and what becomes of them when the server goes. The servers
 * domain asks; {@link ServerHomes} (one home volume per server) is the plan when nothing else is
 * wired in, and the volumes module provides the full one (personal homes, shared and course
 * volumes). Implementations are thread-safe.
 */
public interface MountPlanner {

  /** The mounts of a server about to start; asked at every start. */
  List<Mount> mountsFor(Server server);

  /**
   * The server was deleted. {@code deleteData} is true only when its owner asked to delete its data
   * as well; otherwise nothing may be lost.
   */
  void deleted(Server server, boolean deleteData);

  /** A server that failed to come into being: remove what {@link #mountsFor} made for it alone. */
  void discarded(Server server);
}
