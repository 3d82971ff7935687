package org.berth.sharing;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.berth.launch.ActivitySource;
import org.berth.launch.LaunchEvent;
import org.berth.launch.LaunchEventLog;
import org.berth.launch.LaunchException;
import org.berth.launch.LaunchRequest;
import org.berth.launch.Launcher;
import org.berth.launch.Mount;
import org.berth.launch.MountPlanner;
import org.berth.launch.Route;
import org.berth.launch.Routes;
import org.berth.launch.Server;
import org.berth.launch.ServerName;
import org.berth.launch.ServerStatus;
import org.berth.launch.TemporaryServers;
import org.berth.launch.UserName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Visitors' temporary servers: anyone who follows a public link gets a server of their own from the
 * same image, with the owner's mounts read-only or none, on its own origin. It lives at most {@link
 * VisitSettings#lifetime()} and ends after {@link VisitSettings#idleTimeout()} without activity;
 * then its container goes with every change made in it. Visits are capped per link and overall.
 * Kept in memory: a restart of Berth ends them all (reconciliation removes their containers as
 * orphans). Thread-safe.
 */
public final class Visits implements TemporaryServers {

  private static final Logger LOG = LoggerFactory.getLogger(Visits.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * The owner name visitors' servers run under in the back end; never a user's, as no account may
   * take it ({@link UserName#RESERVED}).
   */
  public static final UserName VISITOR = new UserName("visitor");

  private final Launcher launcher;
  private final Routes routes;
  private final MountPlanner mounts;
  private final List<ActivitySource> activity;
  private final VisitSettings settings;
  private final Executor background;
  private final Clock clock;
  private final Map<String, Visit> visits = new ConcurrentHashMap<>();
  private final Map<String, Route> open = new ConcurrentHashMap<>();

  /** Completed when a visit is served (its route open), or with empty when it will not be. */
  private final Map<String, CompletableFuture<Optional<Visit>>> starting =
      new ConcurrentHashMap<>();

  private final LaunchEventLog events = new LaunchEventLog();

  public Visits(
      Launcher launcher,
      Routes routes,
      MountPlanner mounts,
      List<ActivitySource> activity,
      VisitSettings settings,
      Executor background,
      Clock clock) {
    this.launcher = launcher;
    this.routes = routes;
    this.mounts = mounts;
    this.activity = List.copyOf(activity);
    this.settings = settings;
    this.background = background;
    this.clock = clock;
  }

  /**
   * The visitor's server for a public server: theirs already if they have one from this link, else
   * a new one, started in the background (follow it with {@link #follow}).
   *
   * @throws SharingException.Busy when as many visitors as allowed are in
   */
  public synchronized Visit open(Sharing.PublicTarget target, String session) {
    Server owner = target.server();
    List<Mount> visitorMounts =
        target.access().mountsReadOnly() ? mounts.readOnlyMounts(owner) : List.of();
    return open(
        target.access().linkId(), owner.serverId(), owner.spec().image(), visitorMounts, session);
  }

  /**
   * A visit of an image with no owner's server behind it (a Binder client without an account
   * launching a public repository's build): no mounts at all. {@code linkId} groups the visits
   * capped together (e.g. one per repository).
   */
  public synchronized Visit openImage(String linkId, String image, String session) {
    return open(linkId, "", image, List.of(), session);
  }

  private Visit open(
      String linkId,
      String ownerServerId,
      String image,
      List<Mount> visitorMounts,
      String session) {
    Optional<Visit> mine =
        visits.values().stream()
            .filter(v -> v.session().equals(session) && v.linkId().equals(linkId))
            .findFirst();
    if (mine.isPresent()) {
      return mine.get();
    }
    long onLink = visits.values().stream().filter(v -> v.linkId().equals(linkId)).count();
    if (onLink >= settings.maxPerLink() || visits.size() >= settings.maxOverall()) {
      throw new SharingException.Busy(
          "This server is busy: as many visitors as it takes are in. Try again in a few minutes.",
          Duration.ofMinutes(2));
    }
    Visit visit =
        new Visit(newId(), linkId, session, ownerServerId, newToken(), clock.instant(), null);
    visits.put(visit.id(), visit);
    starting.put(visit.id(), new CompletableFuture<>());
    Consumer<LaunchEvent> progress = events.begin(VISITOR, name(visit));
    LaunchRequest request =
        new LaunchRequest(
            VISITOR.value(),
            name(visit),
            visit.id(),
            image,
            visit.token(),
            visit.baseUrl(),
            settings.resources(),
            "visit",
            visitorMounts.stream()
                .map(m -> new Mount(m.target(), m.source(), m.subPath(), true))
                .toList(),
            Map.of());
    background.execute(() -> start(visit, request, progress));
    return visit;
  }

  private void start(Visit visit, LaunchRequest request, Consumer<LaunchEvent> progress) {
    try {
      var handle = launcher.start(request, progress);
      if (launcher.status(handle) instanceof ServerStatus.Running at) {
        Route route =
            new Route(visit.id(), VISITOR, name(visit), at.host(), at.port(), visit.token());
        open.put(visit.id(), route);
        routes.open(route);
      }
      Visit started = visits.computeIfPresent(visit.id(), (k, v) -> v.started(handle));
      if (started == null) {
        end(visit.id()); // ended while it started
      }
      settle(visit.id(), Optional.ofNullable(started));
    } catch (RuntimeException e) {
      LOG.info("A visit of {} failed to start: {}", visit.linkId(), e.getMessage());
      settle(visit.id(), Optional.empty());
      visits.remove(visit.id());
      launcher.discard(visit.id());
      if (!(e instanceof LaunchException)) {
        progress.accept(
            new LaunchEvent.PhaseChanged(
                LaunchEvent.Phase.FAILED,
                "The visit could not start: " + e.getMessage(),
                List.of()));
      }
    }
  }

  private void settle(String visitId, Optional<Visit> served) {
    CompletableFuture<Optional<Visit>> f = starting.remove(visitId);
    if (f != null) {
      f.complete(served);
    }
  }

  /**
   * The visit once the proxy serves it (its start reports ready just before its route opens); empty
   * when it failed, ended or was not served within {@code within}.
   */
  public Optional<Visit> awaitServed(String visitId, Duration within) throws InterruptedException {
    CompletableFuture<Optional<Visit>> f = starting.get(visitId);
    if (f == null) {
      return find(visitId).filter(Visit::ready);
    }
    try {
      return f.get(within.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      return Optional.empty();
    }
  }

  /** Follows a visit's start; empty when it is unknown. */
  public Optional<AutoCloseable> follow(String visitId, Consumer<LaunchEvent> listener) {
    Visit v = visits.get(visitId);
    return v == null ? Optional.empty() : events.follow(VISITOR, name(v), listener);
  }

  /** A visit's server is alive until the visit ends: reconciliation must leave it alone. */
  @Override
  public boolean isAlive(String serverId) {
    return visits.containsKey(serverId);
  }

  /** The visitor session a server belongs to, when it is a visit. */
  public Optional<String> sessionOf(String serverId) {
    return Optional.ofNullable(visits.get(serverId)).map(Visit::session);
  }

  public Optional<Visit> find(String visitId) {
    return Optional.ofNullable(visits.get(visitId));
  }

  /** The visit of a token (a Binder client's key), when one has it. */
  public Optional<Visit> byToken(String serverId, String token) {
    return find(serverId).filter(v -> v.token().equals(token));
  }

  /** Ends a visit now: its route closes and its container goes with every change made in it. */
  public void end(String visitId) {
    Visit v = visits.remove(visitId);
    settle(visitId, Optional.empty());
    open.remove(visitId);
    routes.close(visitId);
    launcher.discard(visitId);
    if (v != null) {
      events.forget(VISITOR, name(v));
      LOG.info("Visit {} of link {} ended", visitId, v.linkId());
    }
  }

  /** Ends visits past their lifetime or idle for too long; returns how many ended. */
  public int sweep() {
    Instant now = clock.instant();
    List<String> ending = new ArrayList<>();
    for (Visit v : visits.values()) {
      if (!v.startedAt().plus(settings.lifetime()).isAfter(now)) {
        ending.add(v.id());
        continue;
      }
      Route r = open.get(v.id());
      if (r == null || settings.idleTimeout().isZero()) {
        continue;
      }
      Instant last = v.startedAt();
      for (ActivitySource source : activity) {
        Optional<Instant> seen = source.lastActivity(r);
        if (seen.isPresent() && seen.get().isAfter(last)) {
          last = seen.get();
        }
      }
      if (!last.plus(settings.idleTimeout()).isAfter(now)) {
        ending.add(v.id());
      }
    }
    ending.forEach(this::end);
    return ending.size();
  }

  /** How many visits run now. */
  public int count() {
    return visits.size();
  }

  public VisitSettings settings() {
    return settings;
  }

  private static ServerName name(Visit v) {
    return new ServerName("v" + v.id());
  }

  private static String newId() {
    byte[] b = new byte[8];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  private static String newToken() {
    byte[] b = new byte[24];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
