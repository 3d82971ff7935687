package org.berth.launch;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The front door of the servers domain: a user's named servers, from launch to delete, and the
 * upkeep that keeps records, back end and routes in step (reconciliation and culling).
 *
 * <p>A launch of a name reuses the server when its settings are unchanged (starting it again if it
 * stopped), asks the owner before changing any setting ({@link LaunchException.SpecChanged}), and
 * otherwise creates the server. A server created by a failed launch leaves nothing behind. Every
 * method acts on the caller's own servers only. Thread-safe: launches of one server are serialised.
 */
public final class Servers {

  private static final Logger LOG = LoggerFactory.getLogger(Servers.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final ServerStore store;
  private final Launcher launcher;
  private final MountPlanner mounts;
  private final ServersSettings settings;
  private final Executor background;
  private final Clock clock;
  private final SpecResolver resolver;
  private final LaunchPlanner planner;
  private final StartSlots slots;
  private final RouteTable routes;
  private final Reconciler reconciler;
  private final Culler culler;
  private final LaunchEventLog events = new LaunchEventLog();
  private final List<ServerListener> listeners;
  private final Set<String> launching = ConcurrentHashMap.newKeySet();
  private final Map<String, Object> locks = new ConcurrentHashMap<>();

  /**
   * @param activity what knows when servers were last used: the proxy, and the servers themselves
   *     ({@link JupyterProbe})
   * @param temporary servers run outside the store, which reconciliation leaves alone while alive
   */
  public Servers(
      ServerStore store,
      Launcher launcher,
      ImageSource images,
      Routes routes,
      List<ActivitySource> activity,
      MountPlanner mounts,
      ServersSettings settings,
      Executor background,
      Clock clock,
      List<ServerListener> listeners,
      List<TemporaryServers> temporary) {
    this.listeners = List.copyOf(listeners);
    List<TemporaryServers> others = List.copyOf(temporary);
    this.store = store;
    this.launcher = launcher;
    this.mounts = mounts;
    this.settings = settings;
    this.background = background;
    this.clock = clock;
    this.resolver = new SpecResolver(settings, images);
    this.planner = new LaunchPlanner(settings.limits().maxServersPerUser());
    this.slots = new StartSlots(settings.maxConcurrentStarts());
    this.routes = new RouteTable(routes);
    this.reconciler =
        new Reconciler(
            store,
            launcher,
            this.routes,
            settings.instance(),
            settings.orphanGrace(),
            clock,
            id -> launching.contains(id) || others.stream().anyMatch(t -> t.isAlive(id)));
    this.culler = new Culler(store, launcher, this.routes, activity, clock);
  }

  /** The result of a launch: the server, and whether this launch created it. */
  public record Launched(Server server, boolean created) {}

  /**
   * Checks what can be checked before building: the server's name, the resources against the limits
   * and the path to open. Throws what {@link #launch} would.
   */
  public void precheck(String rawName, ServerSpec.Request request) {
    new ServerName(rawName);
    resolver.precheck(request);
  }

  /**
   * Every setting of a launch that {@link #precheck} would refuse, with the refusal's message in
   * users' words, so that all of them can be shown at once; empty when the launch may go on to be
   * built and started.
   */
  public Map<ServerSpec.Setting, String> problems(String rawName, ServerSpec.Request request) {
    Map<ServerSpec.Setting, String> problems = new EnumMap<>(ServerSpec.Setting.class);
    try {
      new ServerName(rawName);
    } catch (LaunchException e) {
      problems.put(ServerSpec.Setting.NAME, e.getMessage());
    }
    problems.putAll(resolver.problems(request));
    return problems;
  }

  /**
   * Launches the caller's server of that name and waits until it is ready.
   *
   * @param confirmed whether the owner agreed to change the settings of an existing server
   * @throws LaunchException.SpecChanged when settings differ and {@code confirmed} is false
   */
  public Launched launch(
      Principal owner, String rawName, ServerSpec.Request request, boolean confirmed) {
    Prepared p = prepare(owner, rawName, request, confirmed);
    if (p.toStart() == null) {
      return new Launched(p.ready(), false);
    }
    return new Launched(start(p), p.created());
  }

  /**
   * Like {@link #launch}, but returns as soon as the server is recorded: its start runs in the
   * background and its phases can be followed with {@link #follow}. Refusals (name, limits, changed
   * settings, a failed build) are still thrown here.
   */
  public Server launchInBackground(
      Principal owner, String rawName, ServerSpec.Request request, boolean confirmed) {
    Prepared p = prepare(owner, rawName, request, confirmed);
    if (p.toStart() == null) {
      return p.ready();
    }
    background.execute(() -> startQuietly(p));
    return p.toStart();
  }

  /** Starts the caller's stopped or failed server again with its saved settings, and waits. */
  public Server start(Principal owner, String name) {
    return launch(owner, name, saved(owner, name), false).server();
  }

  /** As {@link #start}, in the background. */
  public Server startInBackground(Principal owner, String name) {
    return launchInBackground(owner, name, saved(owner, name), false);
  }

  /**
   * A request that launches the server exactly as it was saved: the same image (a repository's
   * build is not looked up again), resources and settings.
   */
  private ServerSpec.Request saved(Principal owner, String name) {
    ServerSpec s = get(owner, name).spec();
    Resources r = s.resources();
    return new ServerSpec.Request(
        s.image(),
        null,
        null,
        Long.toString(r.memoryBytes()),
        r.cpus(),
        r.idleTimeout().toSeconds() + "s",
        s.openPath(),
        s.cullingDisabled(),
        s.mounts(),
        s.context());
  }

  /** What a launch does next: nothing (a running server reused) or start a server. */
  private record Prepared(
      Principal owner,
      Server ready,
      Server toStart,
      boolean created,
      boolean newContainer,
      Consumer<LaunchEvent> events) {}

  private Prepared prepare(
      Principal owner, String rawName, ServerSpec.Request request, boolean confirmed) {
    ServerName name = new ServerName(rawName);
    UserName user = owner.name();
    ServerSpec wanted = resolver.resolve(request, user);
    if (!request.hasRepo()) {
      // A saved spec started again keeps where it came from.
      Optional<Server> before = store.find(user, name);
      if (before.isPresent() && before.get().spec().image().equals(wanted.image())) {
        wanted = wanted.withSource(before.get().spec().source());
      }
    }
    mounts.check(owner, name, wanted);
    synchronized (locks.computeIfAbsent(user.value() + "/" + name.value(), k -> new Object())) {
      Optional<Server> existing = store.find(user, name);
      boolean running = existing.map(this::isRunning).orElse(false);
      LaunchPlanner.Plan plan =
          planner.plan(existing, wanted, running, store.countByOwner(user), confirmed);
      if (plan instanceof LaunchPlanner.Reuse reuse) {
        return new Prepared(owner, store.update(reuse.server()), null, false, false, null);
      }
      checkCapacity();
      Server toStart;
      boolean created;
      boolean newContainer;
      if (plan instanceof LaunchPlanner.Start s) {
        toStart = store.update(s.server().withSpec(s.spec()).withState(ServerState.STARTING, null));
        created = false;
        newContainer = s.newContainer();
      } else {
        LaunchPlanner.Create c = (LaunchPlanner.Create) plan;
        toStart =
            store.insert(
                new Server(
                    user,
                    name,
                    newServerId(),
                    c.spec(),
                    newToken(),
                    ServerState.STARTING,
                    null,
                    null,
                    clock.instant(),
                    null));
        created = true;
        newContainer = true;
      }
      launching.add(toStart.serverId());
      return new Prepared(owner, null, toStart, created, newContainer, events.begin(user, name));
    }
  }

  private void checkCapacity() {
    int max = settings.maxRunningServers();
    if (max <= 0) {
      return;
    }
    long live =
        store.listByState(ServerState.RUNNING).size()
            + store.listByState(ServerState.STARTING).size();
    if (live >= max) {
      throw new LaunchException.AtCapacity(
          "Berth is running as many servers as it may ("
              + max
              + "). Try again in a few minutes, or stop a server you no longer use.",
          Duration.ofMinutes(1));
    }
  }

  private void startQuietly(Prepared p) {
    try {
      start(p);
    } catch (LaunchException e) {
      // The failure is in the launch's events and, for a kept server, in its record.
      LOG.info("Launch of {} failed: {}", p.toStart(), e.getMessage());
    } catch (RuntimeException e) {
      // Anything else (the database, say) must still end the stream the page follows.
      LOG.warn("Launch of {} failed unexpectedly", p.toStart(), e);
      p.events()
          .accept(
              new LaunchEvent.PhaseChanged(
                  LaunchEvent.Phase.FAILED,
                  "The launch of " + p.toStart().name() + " failed: " + e.getMessage(),
                  List.of()));
    }
  }

  private Server start(Prepared p) {
    Server server = p.toStart();
    Consumer<LaunchEvent> progress = p.events();
    // The end of a launch (ready or failed) is told only once the record, the route and any
    // clean-up agree with it, so whoever follows the events finds the server (or nothing) there.
    List<LaunchEvent> ending = new ArrayList<>(1);
    try {
      if (p.newContainer()) {
        routes.close(server.serverId());
      }
      LaunchRequest request =
          new LaunchRequest(
              server.owner().value(),
              server.name(),
              server.serverId(),
              server.spec().image(),
              server.token(),
              server.baseUrl(),
              server.spec().resources(),
              server.spec().hash(),
              mounts.mountsFor(p.owner(), server, progress),
              Map.of());
      LaunchHandle handle =
          slots.run(
              () ->
                  launcher.start(
                      request,
                      e -> {
                        if (LaunchEventLog.isEnd(e)) {
                          ending.add(e);
                        } else {
                          progress.accept(e);
                        }
                      }),
              () ->
                  progress.accept(
                      LaunchEvent.PhaseChanged.of(
                          LaunchEvent.Phase.ALLOCATING, "Waiting for a free start slot")));
      Server running = store.update(server.started(handle, clock.instant()));
      if (launcher.status(handle) instanceof ServerStatus.Running at) {
        routes.open(running, at);
      }
      ending.forEach(progress);
      return running;
    } catch (RuntimeException e) {
      // Whatever failed (the back end, a volume, the database), a new server leaves nothing
      // behind and a kept one says why it failed.
      LaunchException failure =
          e instanceof LaunchException l
              ? l
              : new LaunchException(
                  "The launch of " + server.name() + " failed: " + e.getMessage(), e);
      try {
        if (p.created()) {
          launcher.discard(server.serverId());
          mounts.discarded(server);
          store.delete(server);
        } else {
          store.update(server.withState(ServerState.FAILED, failure.getMessage()));
        }
      } catch (RuntimeException cleanup) {
        failure.addSuppressed(cleanup);
        LOG.warn("Cleaning up after the failed launch of {} failed too", server, cleanup);
      }
      ending.forEach(progress); // the launcher's own account, with the server's last lines
      progress.accept(
          new LaunchEvent.PhaseChanged(LaunchEvent.Phase.FAILED, failure.getMessage(), List.of()));
      throw failure;
    } finally {
      launching.remove(server.serverId());
    }
  }

  /** The caller's servers, by name; empty when there are none. */
  public List<Server> list(Principal owner) {
    return store.listByOwner(owner.name());
  }

  /**
   * @throws LaunchException.ServerNotFound when the caller has no server of that name
   */
  public Server get(Principal owner, String name) {
    return find(owner, name).orElseThrow(() -> new LaunchException.ServerNotFound(name));
  }

  /** The caller's server of that name; empty also when the name breaks the naming rule. */
  public Optional<Server> find(Principal owner, String name) {
    ServerName parsed;
    try {
      parsed = new ServerName(name);
    } catch (LaunchException.InvalidServerName e) {
      return Optional.empty();
    }
    return store.find(owner.name(), parsed);
  }

  /** Stops the server; its container and volumes are kept for the next start. */
  public Server stop(Principal owner, String name) {
    Server server = get(owner, name);
    server.launchHandle().ifPresent(launcher::stop);
    routes.close(server.serverId());
    return store.update(server.withState(ServerState.STOPPED, "Stopped by its owner."));
  }

  /**
   * Deletes the server. Its data (volumes made for it) goes too only when {@code deleteData}; the
   * mount plan decides what that covers.
   */
  public void delete(Principal owner, String name, boolean deleteData) {
    Server server = get(owner, name);
    routes.close(server.serverId());
    launcher.discard(server.serverId());
    mounts.deleted(server, deleteData);
    events.forget(server.owner(), server.name());
    store.delete(server);
    listeners.forEach(l -> l.deleted(server));
  }

  /** In words, what deleting the caller's server with its data would remove; see MountPlanner. */
  public List<String> dataLostOnDelete(Principal owner, String name) {
    return mounts.dataOf(get(owner, name));
  }

  /**
   * Follows the latest launch of the caller's server of that name; see {@link
   * LaunchEventLog#follow}. Empty when this Berth has not launched it (after a restart, say).
   *
   * @throws LaunchException.ServerNotFound when there is neither such a server nor a launch of it
   */
  public Optional<AutoCloseable> follow(
      Principal owner, String name, Consumer<LaunchEvent> listener) {
    if (!hasLaunched(owner, name)) {
      get(owner, name);
      return Optional.empty();
    }
    return events.follow(owner.name(), new ServerName(name), listener);
  }

  /** Whether this Berth has launched, or tried to launch, the caller's server of that name. */
  public boolean hasLaunched(Principal owner, String name) {
    try {
      return events.knows(owner.name(), new ServerName(name));
    } catch (LaunchException.InvalidServerName e) {
      return false;
    }
  }

  /** One reconciliation pass; see {@link Reconciler}. Berth runs it at start and then regularly. */
  public void reconcile() {
    reconciler.reconcile();
  }

  /** One culling pass; returns the servers it stopped. See {@link Culler}. */
  public List<Server> cull() {
    return culler.cull();
  }

  /** The settings the domain runs with. */
  public ServersSettings settings() {
    return settings;
  }

  private boolean isRunning(Server server) {
    return server.launchHandle().map(launcher::status).orElse(null) instanceof ServerStatus.Running;
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
}
