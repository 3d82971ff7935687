package org.berth.launch;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link ServerStore} in memory, for tests and for trying the domain without a database. */
public final class InMemoryServerStore implements ServerStore {

  private final Map<String, Server> byId = new ConcurrentHashMap<>();

  @Override
  public synchronized Server insert(Server server) {
    if (byId.containsKey(server.serverId()) || find(server.owner(), server.name()).isPresent()) {
      throw new IllegalStateException("a server " + server + " exists already");
    }
    byId.put(server.serverId(), server);
    return server;
  }

  @Override
  public synchronized Server update(Server server) {
    if (!byId.containsKey(server.serverId())) {
      throw new IllegalStateException("no server " + server + " to update");
    }
    byId.put(server.serverId(), server);
    return server;
  }

  @Override
  public void delete(Server server) {
    byId.remove(server.serverId());
  }

  @Override
  public Optional<Server> find(UserName owner, ServerName name) {
    return byId.values().stream()
        .filter(s -> s.owner().equals(owner) && s.name().equals(name))
        .findFirst();
  }

  @Override
  public Optional<Server> findByServerId(String serverId) {
    return Optional.ofNullable(byId.get(serverId));
  }

  @Override
  public List<Server> listByOwner(UserName owner) {
    return byId.values().stream()
        .filter(s -> s.owner().equals(owner))
        .sorted(Comparator.comparing(s -> s.name().value()))
        .toList();
  }

  @Override
  public List<Server> listAll() {
    return List.copyOf(byId.values());
  }

  @Override
  public List<Server> listByState(ServerState state) {
    return byId.values().stream().filter(s -> s.state() == state).toList();
  }

  @Override
  public long countByOwner(UserName owner) {
    return byId.values().stream().filter(s -> s.owner().equals(owner)).count();
  }
}
