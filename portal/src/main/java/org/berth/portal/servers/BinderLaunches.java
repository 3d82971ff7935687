package org.berth.portal.servers;

import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.berth.builder.BuildEvent;
import org.berth.builder.BuildException;
import org.berth.builder.BuildHandle;
import org.berth.builder.SourceSpec;
import org.berth.launch.LaunchEvent;
import org.berth.launch.LaunchEventLog;
import org.berth.launch.LaunchException;
import org.berth.launch.Principal;
import org.berth.launch.ServerName;
import org.berth.launch.ServerSpec;
import org.berth.launch.Servers;
import org.berth.portal.account.Principals;
import org.berth.portal.auth.CurrentUser;
import org.berth.portal.builds.Builds;
import org.berth.portal.proxy.OriginAccess;
import org.berth.sharing.Visit;
import org.berth.sharing.Visits;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * BinderHub's build-and-launch protocol on top of Berth's builds and servers: one request becomes a
 * stream of BinderHub messages ({@code phase}, {@code message}, and for {@code ready} the server's
 * {@code url}), in BinderHub's phases: {@code waiting}, {@code fetching}, {@code building}, {@code
 * pushing}, {@code built}, {@code launching}, then {@code ready} or {@code failed}. Refusals are
 * messages too, as BinderHub sends them. Thread-safe.
 */
@Singleton
public class BinderLaunches {

  private final Builds builds;
  private final Servers servers;
  private final ServerViews views;

  private final Principals principals;
  private final Visits visits;
  private final OriginAccess origins;

  BinderLaunches(
      Builds builds,
      Servers servers,
      ServerViews views,
      Principals principals,
      Visits visits,
      OriginAccess origins) {
    this.visits = visits;
    this.origins = origins;
    this.principals = principals;
    this.builds = builds;
    this.servers = servers;
    this.views = views;
  }

  /** A BinderHub message. */
  public static Map<String, Object> message(String phase, String text) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("phase", phase);
    data.put("message", text + "\n");
    return data;
  }

  /**
   * Builds {@code <provider>/<spec>} for the user and, unless {@code buildOnly}, launches it as the
   * user's server {@code name} (or one named after the repository when {@code name} is blank).
   */
  public Flux<Map<String, Object>> run(
      CurrentUser user,
      String provider,
      String spec,
      String name,
      boolean buildOnly,
      boolean confirm) {
    SourceSpec source;
    BuildHandle handle;
    ServerName server;
    try {
      source = SourceSpec.parseBinder(provider, spec);
      server =
          name == null || name.isBlank()
              ? ServerName.suggest(lastSegment(source.repoUrl()), "binder")
              : new ServerName(name);
      handle = builds.submit(source, user.username());
    } catch (BuildException | LaunchException e) {
      return Flux.just(message("failed", e.getMessage()));
    }
    Flux<Map<String, Object>> stream = buildEvents(handle);
    if (buildOnly) {
      return stream;
    }
    ServerSpec.Request launch =
        ServerSpec.Request.defaults().withRepo(source.repoUrl(), handle.source().commit());
    return stream.concatWith(
        Mono.fromFuture(handle.result())
            .onErrorResume(e -> Mono.empty())
            .flatMapMany(built -> launch(user, server, launch, confirm, handle)));
  }

  /**
   * For a Binder client without an account (where the operator allows them): builds {@code
   * <provider>/<spec>} and starts a visitor's temporary server from the image, with the visitors'
   * limits (per repository and overall), no mounts, its own origin and lifetime. {@code ready}
   * carries the server's {@code url} and its {@code token}, which admits to that server alone for
   * as long as it lives. {@code requester} counts the caller's builds (their address).
   */
  public Flux<Map<String, Object>> visit(String provider, String spec, String requester) {
    SourceSpec source;
    BuildHandle handle;
    try {
      source = SourceSpec.parseBinder(provider, spec);
      handle = builds.submit(source, requester);
    } catch (BuildException e) {
      return Flux.just(message("failed", e.getMessage()));
    }
    String session = VisitorSessions.newSession();
    return buildEvents(handle)
        .concatWith(
            Mono.fromFuture(handle.result())
                .onErrorResume(e -> Mono.empty())
                .flatMapMany(built -> startVisit(source, built.ref().toString(), session, handle)));
  }

  private Flux<Map<String, Object>> startVisit(
      SourceSpec source, String image, String session, BuildHandle build) {
    return Mono.fromCallable(() -> visits.openImage("build:" + source.repoUrl(), image, session))
        .subscribeOn(Schedulers.boundedElastic())
        .flatMapMany(
            visit ->
                Flux.just(message("launching", "Starting a temporary server"))
                    .concatWith(visitEvents(visit.id()))
                    .concatWith(
                        Mono.fromCallable(() -> visitReady(visit.id(), build))
                            .subscribeOn(Schedulers.boundedElastic())))
        .onErrorResume(RuntimeException.class, e -> Flux.just(message("failed", e.getMessage())));
  }

  /** The visit's start as BinderHub's launching messages; an error when it fails or ends. */
  private Flux<Map<String, Object>> visitEvents(String visitId) {
    return Flux.<LaunchEvent>create(
            sink -> {
              java.util.Optional<AutoCloseable> following =
                  visits.follow(
                      visitId,
                      e -> {
                        sink.next(e);
                        if (LaunchEventLog.isEnd(e)) {
                          sink.complete();
                        }
                      });
              if (following.isEmpty()) {
                sink.error(new IllegalStateException("The temporary server ended while starting."));
                return;
              }
              sink.onDispose(() -> close(following.get()));
            })
        .<Map<String, Object>>handle(
            (e, out) -> {
              if (e instanceof LaunchEvent.PhaseChanged p) {
                if (p.phase() == LaunchEvent.Phase.FAILED) {
                  out.error(new IllegalStateException(p.message()));
                } else if (p.phase() != LaunchEvent.Phase.READY) {
                  out.next(message("launching", p.message()));
                }
              }
            });
  }

  /** The ready message once the proxy serves the visit. */
  private Map<String, Object> visitReady(String visitId, BuildHandle build)
      throws InterruptedException {
    java.util.Optional<Visit> visit = visits.awaitServed(visitId, java.time.Duration.ofSeconds(10));
    if (visit.isEmpty()) {
      throw new IllegalStateException("The temporary server did not start; try again.");
    }
    Visit v = visit.get();
    String url = origins.origin(v.id()) + v.baseUrl();
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("phase", "ready");
    data.put("message", "server running at " + url + "\n");
    data.put("url", url);
    data.put("token", v.token());
    data.put("image", build.target().toString());
    data.put("repo_url", build.source().spec().repoUrl());
    return data;
  }

  private static void close(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // nothing left to release
    }
  }

  /** The build's events in BinderHub's words, ending with built or failed. */
  private Flux<Map<String, Object>> buildEvents(BuildHandle handle) {
    AtomicReference<String> phase = new AtomicReference<>("waiting");
    return Builds.events(handle)
        .<Map<String, Object>>handle(
            (e, out) -> {
              Map<String, Object> data = binderEvent(e, phase, handle);
              if (data != null) {
                out.next(data);
              }
            });
  }

  private static Map<String, Object> binderEvent(
      BuildEvent e, AtomicReference<String> phase, BuildHandle handle) {
    Map<String, Object> data = new LinkedHashMap<>();
    if (e instanceof BuildEvent.PhaseChanged p) {
      String binder =
          switch (p.phase()) {
            case RESOLVING, QUEUED -> "waiting";
            case FETCHING -> "fetching";
            case BUILDING -> "building";
            case PUSHING -> "pushing";
            case CACHE_HIT, BUILT -> "built";
            case FAILED -> null; // the Finished event that follows says why
          };
      if (binder == null) {
        return null;
      }
      phase.set(binder);
      data.put("phase", binder);
      data.put("message", p.message() + "\n");
    } else if (e instanceof BuildEvent.LogLine l) {
      data.put("phase", phase.get());
      data.put("message", l.line() + "\n");
    } else if (e instanceof BuildEvent.QueuePosition q) {
      data.put("phase", "waiting");
      data.put("message", "Position " + q.position() + " in the build queue\n");
    } else if (e instanceof BuildEvent.Finished f) {
      if (f.succeeded()) {
        if ("built".equals(phase.get())) {
          return null;
        }
        data.put("phase", "built");
        data.put("message", "Built image " + f.image() + "\n");
      } else {
        data.put("phase", "failed");
        data.put("message", f.message() + "\n");
      }
    } else {
      return null; // steps and progress have no BinderHub counterpart
    }
    data.put("imageName", handle.target().toString());
    return data;
  }

  /** Launches (or reuses) the server, streaming launching, then ready or failed. */
  private Flux<Map<String, Object>> launch(
      CurrentUser user,
      ServerName name,
      ServerSpec.Request spec,
      boolean confirm,
      BuildHandle build) {
    Principal principal = principals.of(user);
    return Mono.fromCallable(
            () -> views.of(servers.launchInBackground(principal, name.value(), spec, confirm)))
        .subscribeOn(Schedulers.boundedElastic())
        .flatMapMany(
            view -> {
              Flux<Map<String, Object>> launching =
                  Flux.just(message("launching", "Launching server " + name));
              if (view.running()) {
                return launching.concatWith(Flux.just(ready(view, build)));
              }
              return launching.concatWith(
                  views
                      .events(principal, name.value())
                      .map(
                          e -> {
                            if (e instanceof LaunchEvent.Notice n) {
                              return message(
                                  "launching",
                                  String.join(
                                          "\n",
                                          List.of(n.message(), String.join("\n", n.details())))
                                      .strip());
                            }
                            LaunchEvent.PhaseChanged p = (LaunchEvent.PhaseChanged) e;
                            return switch (p.phase()) {
                              case READY -> ready(views.get(principal, name.value()), build);
                              case FAILED ->
                                  message(
                                      "failed",
                                      p.lastLogLines().isEmpty()
                                          ? p.message()
                                          : p.message()
                                              + "\n"
                                              + String.join("\n", p.lastLogLines()));
                              default -> message("launching", p.message());
                            };
                          }));
            })
        .onErrorResume(RuntimeException.class, e -> Flux.just(message("failed", e.getMessage())));
  }

  private Map<String, Object> ready(ServerView view, BuildHandle build) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("phase", "ready");
    data.put("message", "server running at " + view.url() + "\n");
    data.put("url", view.url());
    data.put("image", build.target().toString());
    data.put("repo_url", build.source().spec().repoUrl());
    data.put("server_name", view.name());
    data.put("open_url", view.openUrl());
    return data;
  }

  private static String lastSegment(String url) {
    String trimmed = url.replaceAll("/+$", "").replaceAll("\\.git$", "");
    return trimmed.substring(trimmed.lastIndexOf('/') + 1);
  }
}
