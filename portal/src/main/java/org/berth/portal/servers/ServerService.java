package org.berth.portal.servers;

import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import org.berth.launch.LaunchEvent;
import org.berth.launch.LaunchException;
import org.berth.launch.LaunchHandle;
import org.berth.launch.LaunchLimits;
import org.berth.launch.LaunchRequest;
import org.berth.launch.Launcher;
import org.berth.launch.Resources;
import org.berth.launch.ServerName;
import org.berth.launch.ServerStatus;
import org.berth.portal.account.AccountService;
import org.berth.portal.account.UserAccount;
import org.berth.portal.auth.CurrentUser;
import org.berth.portal.builds.Builds;
import org.berth.portal.proxy.OriginAccess;
import org.berth.portal.proxy.ServerDirectory;
import org.berth.portal.proxy.ServerRoute;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;

/**
 * Named servers: launch (create, reuse, or recreate after the owner confirms), stop, delete, and
 * keeping the database, the engine and the proxy in step (reconciliation and culling). Thread-safe:
 * launches of one server are serialised.
 */
@Singleton
public class ServerService {

  private static final Logger LOG = LoggerFactory.getLogger(ServerService.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final ServerRepository servers;
  private final Launcher launcher;
  private final LaunchLimits limits;
  private final LaunchConfiguration config;
  private final ServerDirectory directory;
  private final OriginAccess origins;
  private final LaunchEvents events;
  private final JsonMapper json;
  private final AccountService accounts;
  private final Builds builds;
  private final Executor background;
  private final Semaphore starts;
  private final HttpClient status =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Map<String, Object> locks = new ConcurrentHashMap<>();
  private final Map<String, Instant> unknownSince = new ConcurrentHashMap<>();

  ServerService(
      ServerRepository servers,
      Launcher launcher,
      LaunchLimits limits,
      LaunchConfiguration config,
      ServerDirectory directory,
      OriginAccess origins,
      LaunchEvents events,
      JsonMapper json,
      AccountService accounts,
      Builds builds,
      @Named(TaskExecutors.BLOCKING) Executor background) {
    this.background = background;
    int slots = config.getMaxConcurrentStarts();
    this.starts =
        new Semaphore(slots > 0 ? slots : 2 * Runtime.getRuntime().availableProcessors(), true);
    this.accounts = accounts;
    this.builds = builds;
    this.servers = servers;
    this.launcher = launcher;
    this.limits = limits;
    this.config = config;
    this.directory = directory;
    this.origins = origins;
    this.events = events;
    this.json = json;
  }

  /** The result of a launch: the server, and whether it was created by this launch. */
  public record Launched(ServerView server, boolean created) {}

  /** Applies defaults and checks every value of a spec against the limits. */
  public ResolvedSpec resolve(LaunchSpec spec) {
    Resources resources = resources(spec);
    String path = openPath(spec);
    String image = blankToNull(spec.image());
    if (spec.repo() != null && !spec.repo().isBlank()) {
      // Builds (or finds in the registry) the repository's image at the resolved commit.
      image = builds.imageOf(spec.repo(), spec.ref()).ref().toString();
    }
    if (image == null) {
      image = blankToNull(config.getDefaultImage());
    }
    if (image == null) {
      throw new LaunchException("Name an image to launch; no default image is configured.");
    }
    if (!image.startsWith(config.getAllowedImagePrefix()) || image.startsWith("-")) {
      throw new LaunchException(
          "Only images from " + config.getAllowedImagePrefix() + " can be launched.");
    }
    return new ResolvedSpec(image, resources, path, Boolean.TRUE.equals(spec.cullingDisabled()));
  }

  /**
   * Checks what can be checked before building: the server's name, the resources against the limits
   * and the path to open. Throws what {@link #launch} would.
   */
  public void precheck(String rawName, LaunchSpec spec) {
    new ServerName(rawName);
    resources(spec);
    openPath(spec);
  }

  private Resources resources(LaunchSpec spec) {
    Resources defaults = limits.defaults();
    return limits.check(
        new Resources(
            spec.memory() == null || spec.memory().isBlank()
                ? defaults.memoryBytes()
                : Resources.parseMemory(spec.memory()),
            spec.cpus() == null ? defaults.cpus() : spec.cpus(),
            spec.idleTimeout() == null || spec.idleTimeout().isBlank()
                ? defaults.idleTimeout()
                : Durations.parse(spec.idleTimeout(), "Idle timeout"),
            limits.maxAge()));
  }

  private static String openPath(LaunchSpec spec) {
    String path = spec.path() == null ? "" : spec.path().strip();
    if (path.startsWith("/") || path.contains("..") || path.contains("\\")) {
      throw new LaunchException("The path to open is relative to the server's home, without '..'.");
    }
    return path;
  }

  /**
   * Launches the user's server of that name and waits until it is ready: reuses it when its spec is
   * unchanged (starting it if stopped), recreates it when the spec changed and {@code confirmed},
   * creates it otherwise. A server created by a failed launch leaves nothing behind.
   */
  public Launched launch(CurrentUser user, String rawName, LaunchSpec spec, boolean confirmed) {
    Prepared prepared = prepare(user, rawName, spec, confirmed);
    if (prepared.toStart() == null) {
      return new Launched(prepared.reused(), false);
    }
    return new Launched(
        start(user, prepared.toStart(), prepared.created(), prepared.events()), prepared.created());
  }

  /**
   * Like {@link #launch}, but returns as soon as the server is recorded: its start runs in the
   * background and its phases stream through {@link #launchEvents}. Refusals (names, limits, a
   * changed spec, a failed build) are still thrown here.
   */
  public ServerView launchInBackground(
      CurrentUser user, String rawName, LaunchSpec spec, boolean confirmed) {
    Prepared prepared = prepare(user, rawName, spec, confirmed);
    if (prepared.toStart() == null) {
      return prepared.reused();
    }
    ServerRecord record = prepared.toStart();
    background.execute(
        () -> {
          try {
            start(user, record, prepared.created(), prepared.events());
          } catch (LaunchException e) {
            // The failure is in the launch's events and, for a kept server, in its record.
            LOG.info("Launch of {} failed: {}", record.name(), e.getMessage());
          } catch (RuntimeException e) {
            // Anything else (the database, say) must still end the stream the page follows.
            LOG.warn("Launch of {} failed unexpectedly", record.name(), e);
            prepared
                .events()
                .accept(
                    new LaunchEvent.PhaseChanged(
                        LaunchEvent.Phase.FAILED,
                        "The launch of " + record.name() + " failed: " + e.getMessage(),
                        List.of()));
          }
        });
    return view(record, user.username());
  }

  /** What a launch does next: nothing (a running server reused) or start a record. */
  private record Prepared(
      ServerView reused, ServerRecord toStart, boolean created, Consumer<LaunchEvent> events) {}

  private Prepared prepare(CurrentUser user, String rawName, LaunchSpec spec, boolean confirmed) {
    ServerName name = new ServerName(rawName);
    ResolvedSpec resolved = resolve(spec);
    synchronized (locks.computeIfAbsent(user.id() + "/" + name, k -> new Object())) {
      Optional<ServerRecord> existing = servers.findByOwnerIdAndName(user.id(), name.value());
      if (existing.isPresent()) {
        ServerRecord old = existing.get();
        boolean sameSpec = old.specHash().equals(resolved.hash());
        if (!sameSpec && !confirmed) {
          throw new SpecChangedException(name.value(), resolved.changesFrom(old));
        }
        if (sameSpec && isRunning(old)) {
          ServerRecord updated = servers.update(old.withSpec(resolved));
          return new Prepared(view(updated, user.username()), null, false, null);
        }
        ServerRecord starting =
            servers.update(old.withSpec(resolved).withState(ServerState.STARTING.name(), null));
        return new Prepared(null, starting, false, events.begin(eventsKey(user, name.value())));
      }
      if (servers.countByOwnerId(user.id()) >= limits.maxServersPerUser()) {
        throw new TooManyServersException(
            "You have "
                + limits.maxServersPerUser()
                + " servers, the most allowed. Delete one before creating "
                + name
                + ".");
      }
      ServerRecord fresh =
          servers.save(
              new ServerRecord(
                  null,
                  user.id(),
                  name.value(),
                  newServerId(),
                  resolved.image(),
                  resolved.resources().memoryBytes(),
                  resolved.resources().cpus(),
                  resolved.resources().idleTimeout().toSeconds(),
                  resolved.resources().maxAge().toSeconds(),
                  resolved.path(),
                  resolved.cullingDisabled(),
                  resolved.hash(),
                  newToken(),
                  ServerState.STARTING.name(),
                  null,
                  null,
                  null,
                  Instant.now(),
                  null));
      return new Prepared(null, fresh, true, events.begin(eventsKey(user, name.value())));
    }
  }

  private ServerView start(
      CurrentUser user, ServerRecord record, boolean created, Consumer<LaunchEvent> progress) {
    LaunchRequest request =
        new LaunchRequest(
            user.username(),
            new ServerName(record.name()),
            record.serverId(),
            record.image(),
            record.token(),
            baseUrl(user.username(), record.name()),
            new Resources(
                record.memoryBytes(),
                record.cpus(),
                Duration.ofSeconds(record.idleTimeoutS()),
                Duration.ofSeconds(record.maxAgeS())),
            record.specHash(),
            Map.of());
    // The end of a launch (ready or failed) is told only once the record, the route and any
    // clean-up agree with it, so whoever follows the events finds the server (or nothing) there.
    List<LaunchEvent> ending = new ArrayList<>(1);
    try {
      LaunchHandle handle;
      if (!starts.tryAcquire()) {
        progress.accept(
            LaunchEvent.PhaseChanged.of(
                LaunchEvent.Phase.ALLOCATING, "Waiting for a free start slot"));
        starts.acquireUninterruptibly();
      }
      try {
        handle =
            launcher.start(
                request,
                e -> {
                  if (e instanceof LaunchEvent.PhaseChanged p
                      && (p.phase() == LaunchEvent.Phase.READY
                          || p.phase() == LaunchEvent.Phase.FAILED)) {
                    ending.add(e);
                  } else {
                    progress.accept(e);
                  }
                });
      } finally {
        starts.release();
      }
      ServerRecord running =
          servers.update(record.started(handle.backend(), toJson(handle), Instant.now()));
      adopt(running, user.username(), launcher.status(handle));
      ending.forEach(progress);
      return view(running, user.username());
    } catch (LaunchException e) {
      if (created) {
        launcher.discard(record.serverId());
        servers.delete(record);
      } else {
        servers.update(record.withState(ServerState.FAILED.name(), e.getMessage()));
      }
      ending.forEach(progress); // the launcher's own account, with the server's last lines
      progress.accept(
          new LaunchEvent.PhaseChanged(LaunchEvent.Phase.FAILED, e.getMessage(), List.of()));
      throw e;
    }
  }

  public List<ServerView> list(CurrentUser user) {
    return servers.findByOwnerIdOrderByName(user.id()).stream()
        .map(r -> view(r, user.username()))
        .toList();
  }

  public ServerView get(CurrentUser user, String name) {
    return view(owned(user, name), user.username());
  }

  /** Stops the server; its home and container are kept for the next launch. */
  public ServerView stop(CurrentUser user, String name) {
    ServerRecord record = owned(user, name);
    handle(record).ifPresent(launcher::stop);
    directory.unregister(record.serverId());
    return view(
        servers.update(record.withState(ServerState.STOPPED.name(), "Stopped by its owner.")),
        user.username());
  }

  /** Deletes the server with its home. */
  public void delete(CurrentUser user, String name) {
    ServerRecord record = owned(user, name);
    directory.unregister(record.serverId());
    launcher.discard(record.serverId());
    events.forget(eventsKey(user, record.name()));
    servers.delete(record);
  }

  /** A one-time link that signs the owner into the server's origin and opens its path. */
  public String openLink(CurrentUser user, String name) {
    ServerRecord record = owned(user, name);
    String next =
        baseUrl(user.username(), record.name())
            + (record.openPath().isEmpty() ? "tree" : "tree/" + record.openPath());
    return origins.handoffLink(user.username(), record.serverId(), next);
  }

  /**
   * The events of the latest launch of the user's server of that name, kept even when the launch
   * failed and left no server behind; empty when this Berth has not launched it (after a restart,
   * say).
   *
   * @throws ServerNotFoundException when there is neither such a server nor a launch of it
   */
  public Flux<LaunchEvent> launchEvents(CurrentUser user, String name) {
    if (!hasLaunched(user, name)) {
      owned(user, name); // 404 when there is no such server either
    }
    return events.of(eventsKey(user, name));
  }

  /** Whether this Berth has launched, or tried to launch, the user's server of that name. */
  public boolean hasLaunched(CurrentUser user, String name) {
    return events.knows(eventsKey(user, name));
  }

  private static String eventsKey(CurrentUser user, String name) {
    return user.id() + "/" + name;
  }

  /**
   * Brings the database and the proxy in line with the engine: running servers are re-adopted, dead
   * ones marked stopped, and containers Berth owns but does not know are removed after a grace
   * period. Containers without Berth's labels are never looked at.
   */
  @Scheduled(fixedDelay = "30s", initialDelay = "1s")
  public void reconcile() {
    Set<String> known = new HashSet<>();
    for (ServerRecord record : servers.findAll()) {
      known.add(record.serverId());
      if (!record.state().equals(ServerState.RUNNING.name())) {
        continue;
      }
      ServerStatus status = handle(record).map(launcher::status).orElse(new ServerStatus.Missing());
      if (status instanceof ServerStatus.Running) {
        adopt(record, ownerName(record), status);
      } else {
        directory.unregister(record.serverId());
        servers.update(
            record.withState(ServerState.STOPPED.name(), "The server stopped outside Berth."));
        LOG.info(
            "Server {} ({}) is no longer running; marked stopped",
            record.name(),
            record.serverId());
      }
    }
    Instant now = Instant.now();
    Set<String> seen = new HashSet<>();
    for (Launcher.ManagedServer managed : launcher.listManaged()) {
      if (managed.serverId() == null || known.contains(managed.serverId())) {
        continue;
      }
      seen.add(managed.serverId());
      Instant since = unknownSince.computeIfAbsent(managed.serverId(), k -> now);
      if (since.plus(config.getOrphanGrace()).isBefore(now)) {
        LOG.info("Removing container of unknown server {}", managed.serverId());
        launcher.remove(managed.handle());
        unknownSince.remove(managed.serverId());
      }
    }
    unknownSince.keySet().retainAll(seen);
  }

  /** Stops servers idle for longer than their idle timeout, and any past the maximum age. */
  @Scheduled(fixedDelay = "60s", initialDelay = "60s")
  public void cull() {
    Instant now = Instant.now();
    for (ServerRecord record : servers.findByStateIn(List.of(ServerState.RUNNING.name()))) {
      Instant started = record.startedAt() == null ? record.createdAt() : record.startedAt();
      Instant last = directory.lastActivity(record.serverId()).orElse(started);
      if (last.isBefore(started)) {
        last = started;
      }
      Instant inside = jupyterActivity(record).orElse(last);
      if (inside.isAfter(last)) {
        last = inside; // kernels busy, or API use that did not come through Berth
      }
      String reason = null;
      if (record.maxAgeS() > 0 && started.plusSeconds(record.maxAgeS()).isBefore(now)) {
        reason = "Stopped: it reached its maximum age.";
      } else if (!record.cullingDisabled()
          && record.idleTimeoutS() > 0
          && last.plusSeconds(record.idleTimeoutS()).isBefore(now)) {
        reason = "Stopped: idle for longer than its idle timeout.";
      }
      if (reason != null) {
        handle(record).ifPresent(launcher::stop);
        directory.unregister(record.serverId());
        servers.update(record.withState(ServerState.STOPPED.name(), reason));
        LOG.info("Culled {} ({}): {}", record.name(), record.serverId(), reason);
      }
    }
  }

  /**
   * The server's own idea of its last activity: Jupyter's {@code /api/status} reports {@code
   * last_activity}, which counts kernel work and API calls (asking for the status does not count).
   * Empty when the server does not answer in time or answers something else.
   */
  private Optional<Instant> jupyterActivity(ServerRecord record) {
    Optional<ServerRoute> route = directory.find(record.serverId());
    if (route.isEmpty()) {
      return Optional.empty();
    }
    ServerRoute r = route.get();
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    "http://"
                        + r.host()
                        + ":"
                        + r.port()
                        + baseUrl(r.owner(), record.name())
                        + "api/status"))
            .header("Authorization", "token " + r.token())
            .timeout(Duration.ofSeconds(2))
            .GET()
            .build();
    try {
      HttpResponse<String> response = status.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        return Optional.empty();
      }
      Map<String, Object> body =
          json.readValue(response.body(), Argument.mapOf(String.class, Object.class));
      Object last = body.get("last_activity");
      return last == null ? Optional.empty() : Optional.of(Instant.parse(last.toString()));
    } catch (IOException | RuntimeException e) {
      LOG.debug("No activity from {}: {}", record.serverId(), e.toString());
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private void adopt(ServerRecord record, String owner, ServerStatus status) {
    if (status instanceof ServerStatus.Running running) {
      directory.register(
          new ServerRoute(
              record.serverId(), owner, Set.of(), running.host(), running.port(), record.token()));
    }
  }

  private boolean isRunning(ServerRecord record) {
    return handle(record).map(launcher::status).orElse(null) instanceof ServerStatus.Running;
  }

  private ServerRecord owned(CurrentUser user, String name) {
    return servers
        .findByOwnerIdAndName(user.id(), name)
        .orElseThrow(() -> new ServerNotFoundException(name));
  }

  private String ownerName(ServerRecord record) {
    return accounts.find(record.ownerId()).map(UserAccount::username).orElse("");
  }

  private ServerView view(ServerRecord r, String owner) {
    return new ServerView(
        r.name(),
        r.state(),
        r.message(),
        r.image(),
        r.memoryBytes(),
        r.cpus(),
        r.idleTimeoutS(),
        r.cullingDisabled(),
        origins.origin(r.serverId()) + baseUrl(owner, r.name()),
        "/servers/" + r.name() + "/open",
        r.createdAt(),
        r.startedAt());
  }

  private Optional<LaunchHandle> handle(ServerRecord r) {
    if (r.handleJson() == null || r.backend() == null) {
      return Optional.empty();
    }
    try {
      Map<String, String> state =
          json.readValue(r.handleJson(), Argument.mapOf(String.class, String.class));
      return Optional.of(new LaunchHandle(r.backend(), state));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String toJson(LaunchHandle handle) {
    try {
      return json.writeValueAsString(handle.state());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String baseUrl(String owner, String name) {
    return "/user/" + owner + "/" + name + "/";
  }

  private static String newServerId() {
    byte[] bytes = new byte[8];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static String newToken() {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
