package org.berth.launch;

import java.util.List;
import java.util.Optional;

/**
 * Where the servers domain keeps its records: {@link InMemoryServerStore} in tests, the portal's
 * database in Berth. A server is identified by owner and name; {@code serverId} is unique too.
 * Implementations are thread-safe; each call is atomic on its own.
 */
public interface ServerStore {

  /** Adds a new server. */
  Server insert(Server server);

  /** Replaces the record of the server with the same {@code serverId}; returns what was stored. */
  Server update(Server server);

  void delete(Server server);

  Optional<Server> find(UserName owner, ServerName name);

  Optional<Server> findByServerId(String serverId);

  /** The owner's servers, by name. Empty when the owner has none. */
  List<Server> listByOwner(UserName owner);

  /** Every server, of every owner. */
  List<Server> listAll();

  List<Server> listByState(ServerState state);

  long countByOwner(UserName owner);
}
