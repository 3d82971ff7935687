package org.berth.launch;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a server its owner's access token, when the owner asked for it and confirmed ({@link
 * CredentialGrants}, decided by {@link CredentialsRule}): the server starts with {@value #ENV}
 * naming the file {@value #FILE}, on an in-memory volume of its own, which Berth writes at start
 * and renews while the server runs (when less than a third of the token's life is left). The file
 * is gone when the server stops, since the volume lives in memory; Berth deletes it at once when
 * the owner signs out or takes the grant back. A token is never written to a log. Thread-safe.
 */
public final class CredentialsHandOver {

  /** The in-memory directory the token file lives in. */
  public static final String DIRECTORY = "/run/berth";

  /** The token file. */
  public static final String FILE = DIRECTORY + "/access-token";

  /** The environment variable naming the token file. */
  public static final String ENV = "BERTH_ACCESS_TOKEN_FILE";

  private static final Logger LOG = LoggerFactory.getLogger(CredentialsHandOver.class);
  private static final Duration MIN_MARGIN = Duration.ofSeconds(5);

  private final Supplier<List<Launcher.ManagedServer>> backend;
  private final TokenSource tokens;
  private final ServerFiles files;
  private final CredentialGrants grants;
  private final ServerStore store;
  private final Clock clock;
  private final Map<String, Tracked> tracked = new ConcurrentHashMap<>();

  /** A running server with credentials, and the token its file holds (null: none now). */
  private record Tracked(
      UserName owner, ServerName name, LaunchHandle handle, Instant writtenAt, Instant expiresAt) {

    Tracked written(Instant at, Instant expires) {
      return new Tracked(owner, name, handle, at, expires);
    }
  }

  /**
   * @param backend the servers of the back end, as {@link Launcher#listManaged()} lists them (for
   *     the spec hashes of running servers)
   * @param store the servers' records (a deleted server's grant goes with it)
   */
  public CredentialsHandOver(
      Supplier<List<Launcher.ManagedServer>> backend,
      TokenSource tokens,
      ServerFiles files,
      CredentialGrants grants,
      ServerStore store,
      Clock clock) {
    this.backend = backend;
    this.tokens = tokens;
    this.files = files;
    this.grants = grants;
    this.store = store;
    this.clock = clock;
  }

  /**
   * The request a server is started with: when its owner granted the hand-over, with the token's
   * volume, the variable naming the file, and a spec hash of its own (so that a container made
   * without them is made anew, and one made with them is not reused without). Else unchanged.
   */
  public LaunchRequest prepare(LaunchRequest request) {
    UserName owner = new UserName(request.owner());
    if (!grants.granted(owner, request.name())) {
      return request;
    }
    // Only a server of the servers domain, started for its owner, is the owner's: anything else
    // the launcher starts (a visitor's throw-away server) is a visitor's, whatever its names say.
    boolean owners =
        store.findByServerId(request.serverId()).filter(s -> s.owner().equals(owner)).isPresent();
    CredentialsRule.Decision decision =
        CredentialsRule.decide(
            owners ? CredentialsRule.Session.OWNER : CredentialsRule.Session.VISITOR,
            true,
            true,
            true);
    if (!decision.granted()) {
      LOG.warn("No credentials for {} ({}): {}", request, owner, decision.reason());
      return request;
    }
    List<Mount> mounts = new ArrayList<>(request.mounts());
    mounts.add(files.memoryVolume(request.serverId(), DIRECTORY));
    Map<String, String> env = new HashMap<>(request.env());
    env.put(ENV, FILE);
    return new LaunchRequest(
        request.owner(),
        request.name(),
        request.serverId(),
        request.image(),
        request.token(),
        request.baseUrl(),
        request.resources(),
        withCredentials(request.specHash()),
        mounts,
        env);
  }

  /** The spec hash of a server started with credentials, from its spec's own hash. */
  public static String withCredentials(String specHash) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of()
          .formatHex(sha.digest((specHash + "\ncredentials").getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A server prepared by {@link #prepare} started: its token is written now. */
  public void started(LaunchRequest prepared, LaunchHandle handle) {
    if (!prepared.env().containsKey(ENV)) {
      return;
    }
    Tracked t = new Tracked(new UserName(prepared.owner()), prepared.name(), handle, null, null);
    tracked.put(prepared.serverId(), t);
    renew(prepared.serverId(), t);
  }

  /** The server stopped (its file went with its in-memory volume). */
  public void stopped(LaunchHandle handle) {
    tracked.values().removeIf(t -> t.handle().equals(handle));
  }

  /**
   * The server is gone for good: its volume goes too, and so does its grant, so that a new server
   * of the same name does not inherit it without asking.
   */
  public void discarded(String serverId) {
    tracked.remove(serverId);
    store.findByServerId(serverId).ifPresent(s -> grants.revoke(s.owner(), s.name()));
    files.discard(serverId);
  }

  /** Whether the server's file holds a token now (for tests and the server's page). */
  public boolean holdsToken(String serverId) {
    Tracked t = tracked.get(serverId);
    return t != null && t.expiresAt() != null;
  }

  /**
   * Takes the owner's token out of all their servers at once: they signed out, so Berth holds no
   * token of theirs any more. The servers get one again after the owner's next sign-in.
   */
  public void revoke(UserName owner) {
    tracked.forEach(
        (id, t) -> {
          if (t.owner().equals(owner) && t.expiresAt() != null) {
            delete(id, t);
          }
        });
  }

  /**
   * One pass over the running servers: renews tokens that would expire soon, takes out tokens Berth
   * can no longer renew or whose grant was taken back, and picks up servers started with
   * credentials before Berth (re)started.
   */
  public void refresh(List<Server> running) {
    Map<String, Server> byId =
        running.stream().collect(Collectors.toMap(Server::serverId, s -> s, (a, b) -> a));
    tracked.keySet().removeIf(id -> !byId.containsKey(id));
    adoptUntracked(byId);
    Instant now = clock.instant();
    tracked.forEach(
        (id, t) -> {
          if (!grants.granted(t.owner(), t.name())) {
            if (t.expiresAt() != null) {
              delete(id, t);
            }
            tracked.remove(id);
          } else if (t.expiresAt() == null || now.isAfter(renewAt(t))) {
            renew(id, t);
          }
        });
  }

  /** When the file's token is renewed: once less than a third of its life is left. */
  private static Instant renewAt(Tracked t) {
    Duration life = Duration.between(t.writtenAt(), t.expiresAt());
    Duration margin = life.dividedBy(3);
    if (margin.compareTo(MIN_MARGIN) < 0) {
      margin = MIN_MARGIN;
    }
    return t.expiresAt().minus(margin);
  }

  private void adoptUntracked(Map<String, Server> running) {
    List<Server> candidates =
        running.values().stream()
            .filter(s -> !tracked.containsKey(s.serverId()))
            .filter(s -> s.handle() != null)
            .filter(s -> grants.granted(s.owner(), s.name()))
            .toList();
    if (candidates.isEmpty()) {
      return;
    }
    // Only a container started with the token's volume can receive the file: its spec hash says.
    Set<String> withVolume =
        backend.get().stream()
            .filter(Launcher.ManagedServer::running)
            .filter(
                m ->
                    running.containsKey(m.serverId())
                        && withCredentials(running.get(m.serverId()).spec().hash())
                            .equals(m.specHash()))
            .map(Launcher.ManagedServer::serverId)
            .collect(Collectors.toSet());
    for (Server s : candidates) {
      if (withVolume.contains(s.serverId())) {
        tracked.putIfAbsent(s.serverId(), new Tracked(s.owner(), s.name(), s.handle(), null, null));
      }
    }
  }

  private void renew(String serverId, Tracked t) {
    Duration wanted = Duration.ofSeconds(30);
    if (t.expiresAt() != null) {
      Duration life = Duration.between(t.writtenAt(), t.expiresAt());
      wanted = life.dividedBy(2);
    }
    Optional<AccessToken> token;
    try {
      token = tokens.tokenFor(t.owner(), wanted);
    } catch (RuntimeException e) {
      LOG.info("No token for {}'s server {}: {}", t.owner(), t.name(), e.getMessage());
      token = Optional.empty();
    }
    if (token.isEmpty()) {
      if (t.expiresAt() != null) {
        delete(serverId, t);
      }
      return;
    }
    try {
      files.write(t.handle(), FILE, token.get().value().getBytes(StandardCharsets.UTF_8));
      tracked.replace(serverId, t.written(clock.instant(), token.get().expiresAt()));
      LOG.debug(
          "Handed {}'s server {} a token that expires at {}",
          t.owner(),
          t.name(),
          token.get().expiresAt());
    } catch (LaunchException e) {
      LOG.info("Could not hand {}'s server {} its token: {}", t.owner(), t.name(), e.getMessage());
      tracked.remove(serverId);
    }
  }

  private void delete(String serverId, Tracked t) {
    try {
      files.delete(t.handle(), FILE);
    } catch (LaunchException e) {
      LOG.info(
          "Could not take the token out of {}'s server {}: {}",
          t.owner(),
          t.name(),
          e.getMessage());
    }
    tracked.computeIfPresent(serverId, (k, v) -> v.written(null, null));
  }
}
