package org.berth.portal.servers;

import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.berth.launch.LaunchHandle;
import org.berth.launch.MountSpec;
import org.berth.launch.Resources;
import org.berth.launch.Server;
import org.berth.launch.ServerName;
import org.berth.launch.ServerSpec;
import org.berth.launch.ServerState;
import org.berth.launch.ServerStore;
import org.berth.launch.UserName;
import org.berth.portal.account.UserRepository;

/** The servers domain's records in the database ({@code servers}). */
@Singleton
class JdbcServerStore implements ServerStore {

  private final ServerRepository rows;
  private final UserRepository users;
  private final JsonMapper json;

  JdbcServerStore(ServerRepository rows, UserRepository users, JsonMapper json) {
    this.rows = rows;
    this.users = users;
    this.json = json;
  }

  @Override
  public Server insert(Server server) {
    long ownerId =
        users
            .findByUsername(server.owner().value())
            .orElseThrow(() -> new IllegalStateException("no account " + server.owner()))
            .id();
    return toServer(rows.save(toRecord(null, ownerId, server)));
  }

  @Override
  public Server update(Server server) {
    ServerRecord old =
        rows.findByServerId(server.serverId())
            .orElseThrow(() -> new IllegalStateException("no server " + server + " to update"));
    return toServer(rows.update(toRecord(old.id(), old.ownerId(), server)));
  }

  @Override
  public void delete(Server server) {
    rows.findByServerId(server.serverId()).ifPresent(rows::delete);
  }

  @Override
  public Optional<Server> find(UserName owner, ServerName name) {
    return rows.findByOwnerNameAndName(owner.value(), name.value()).map(this::toServer);
  }

  @Override
  public Optional<Server> findByServerId(String serverId) {
    return rows.findByServerId(serverId).map(this::toServer);
  }

  @Override
  public List<Server> listByOwner(UserName owner) {
    return rows.findByOwnerNameOrderByName(owner.value()).stream().map(this::toServer).toList();
  }

  @Override
  public List<Server> listAll() {
    return rows.findAll().stream().map(this::toServer).toList();
  }

  @Override
  public List<Server> listByState(ServerState state) {
    return rows.findByState(state.name()).stream().map(this::toServer).toList();
  }

  @Override
  public long countByOwner(UserName owner) {
    return rows.countByOwnerName(owner.value());
  }

  private ServerRecord toRecord(Long id, long ownerId, Server s) {
    ServerSpec spec = s.spec();
    Resources r = spec.resources();
    return new ServerRecord(
        id,
        ownerId,
        s.owner().value(),
        s.name().value(),
        s.serverId(),
        spec.source().repo(),
        spec.source().ref(),
        spec.source().commit(),
        spec.image(),
        r.memoryBytes(),
        r.cpus(),
        r.idleTimeout().toSeconds(),
        r.maxAge().toSeconds(),
        spec.openPath(),
        spec.cullingDisabled(),
        spec.hash(),
        s.token(),
        s.state().name(),
        s.message(),
        s.handle() == null ? null : s.handle().backend(),
        s.handle() == null ? null : write(s.handle().state()),
        s.createdAt(),
        s.startedAt(),
        writeMounts(spec.mounts()),
        write(spec.context()));
  }

  private Server toServer(ServerRecord r) {
    ServerSpec spec =
        new ServerSpec(
            new ServerSpec.Source(r.sourceRepo(), r.sourceRef(), r.sourceCommit()),
            r.image(),
            new Resources(
                r.memoryBytes(),
                r.cpus(),
                Duration.ofSeconds(r.idleTimeoutS()),
                Duration.ofSeconds(r.maxAgeS())),
            r.cullingDisabled(),
            r.openPath(),
            readMounts(r.mountsJson()),
            read(r.contextJson()));
    LaunchHandle handle =
        r.backend() == null || r.handleJson() == null
            ? null
            : new LaunchHandle(r.backend(), read(r.handleJson()));
    return new Server(
        new UserName(r.ownerName()),
        new ServerName(r.name()),
        r.serverId(),
        spec,
        r.token(),
        ServerState.valueOf(r.state()),
        r.message(),
        handle,
        r.createdAt(),
        r.startedAt());
  }

  private String writeMounts(List<MountSpec> mounts) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (MountSpec m : mounts) {
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("target", m.target());
      one.put("volume", m.volume());
      one.put("readOnly", m.readOnly());
      one.put("subPath", m.subPath());
      one.put("seed", m.seed().kind().name());
      one.put("seedRepo", m.seed().repo());
      one.put("seedRef", m.seed().ref());
      out.add(one);
    }
    try {
      return json.writeValueAsString(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<MountSpec> readMounts(String text) {
    List<Map<String, Object>> rows;
    try {
      rows = json.readValue(text, Argument.listOf(Argument.mapOf(String.class, Object.class)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<MountSpec> out = new ArrayList<>();
    for (Map<String, Object> m : rows) {
      out.add(
          new MountSpec(
              (String) m.get("target"),
              (String) m.get("volume"),
              Boolean.TRUE.equals(m.get("readOnly")),
              (String) m.get("subPath"),
              new MountSpec.Seed(
                  MountSpec.Seed.Kind.valueOf((String) m.get("seed")),
                  (String) m.get("seedRepo"),
                  (String) m.get("seedRef"))));
    }
    return out;
  }

  private String write(Map<String, String> state) {
    try {
      return json.writeValueAsString(state);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Map<String, String> read(String text) {
    try {
      return json.readValue(text, Argument.mapOf(String.class, String.class));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
