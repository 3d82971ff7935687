package org.berth.portal.api;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.sse.Event;
import io.micronaut.json.JsonMapper;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.berth.builder.BuildEvent;
import org.berth.builder.BuildException;
import org.berth.builder.BuildHandle;
import org.berth.builder.SourceSpec;
import org.berth.launch.LaunchEvent;
import org.berth.launch.LaunchException;
import org.berth.launch.ServerName;
import org.berth.portal.auth.CurrentUser;
import org.berth.portal.auth.Via;
import org.berth.portal.builds.Builds;
import org.berth.portal.servers.LaunchSpec;
import org.berth.portal.servers.ServerService;
import org.berth.portal.servers.ServerView;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * BinderHub's API, so that existing Binder clients can drive Berth: {@code GET
 * /build/<provider>/<spec>} builds the repository and launches it as one of the caller's named
 * servers, streaming BinderHub's phases ({@code waiting}, {@code fetching}, {@code building},
 * {@code pushing}, {@code built}, {@code launching}, then {@code ready} or {@code failed}) as
 * {@code data:} JSON lines, with {@code :keepalive} comments in between. Unlike BinderHub, the
 * caller must be signed in (session or API token), the {@code ready} event carries no server token
 * (the server is reached through Berth with the caller's own credentials), and a server whose spec
 * changed is only recreated with {@code confirm=true}.
 */
@Controller("/build")
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "binder")
class BinderBuildController {

  private final Builds builds;
  private final ServerService servers;
  private final JsonMapper json;
  private final Duration keepalive;

  BinderBuildController(
      Builds builds,
      ServerService servers,
      JsonMapper json,
      @Value("${berth.binder.keepalive:15s}") Duration keepalive) {
    this.builds = builds;
    this.servers = servers;
    this.json = json;
    this.keepalive = keepalive;
  }

  @Get(value = "/{provider}/{+spec}", produces = MediaType.TEXT_EVENT_STREAM)
  @Operation(summary = "BinderHub-compatible build and launch, as Server-Sent Events")
  Publisher<Event<String>> build(
      HttpRequest<?> request,
      Authentication authentication,
      @PathVariable String provider,
      @PathVariable String spec,
      @Nullable @QueryValue String name,
      @Nullable @QueryValue("build_only") String buildOnly,
      @Nullable @QueryValue String confirm) {
    CurrentUser user = CurrentUser.of(authentication);
    String site = request.getHeaders().get("Sec-Fetch-Site");
    if (user.via() == Via.SESSION && site != null && !site.equals("same-origin")) {
      // A link from another site must not launch anything with the visitor's session.
      return Flux.just(
          event(
              Map.of(
                  "phase",
                  "failed",
                  "message",
                  "Requests from other sites need an API token; sessions work only from Berth's"
                      + " own pages.\n")));
    }
    SourceSpec source;
    BuildHandle handle;
    ServerName server;
    try {
      source = SourceSpec.parseBinder(provider, spec);
      server =
          name == null || name.isBlank()
              ? ServerName.suggest(lastSegment(source.repoUrl()), "binder")
              : new ServerName(name);
      handle = builds.submit(source, user.id());
    } catch (BuildException | LaunchException e) {
      // As BinderHub does: the stream itself says what failed.
      return Flux.just(event(Map.of("phase", "failed", "message", e.getMessage() + "\n")));
    }
    Flux<Event<String>> stream = buildEvents(handle);
    if (!"true".equalsIgnoreCase(buildOnly)) {
      stream =
          stream.concatWith(
              Mono.fromFuture(handle.result())
                  .onErrorResume(e -> Mono.empty())
                  .flatMapMany(
                      built ->
                          launch(
                              user,
                              server,
                              new LaunchSpec(
                                  null,
                                  source.repoUrl(),
                                  handle.source().commit(),
                                  null,
                                  null,
                                  null,
                                  null,
                                  null),
                              "true".equalsIgnoreCase(confirm),
                              handle)));
    }
    return stream.publish(
        events ->
            Flux.merge(
                events,
                Flux.interval(keepalive, keepalive)
                    .map(i -> Event.of("").comment("keepalive"))
                    .takeUntilOther(events.then())));
  }

  /** The build's events in BinderHub's words, ending with built or failed. */
  private Flux<Event<String>> buildEvents(BuildHandle handle) {
    AtomicReference<String> phase = new AtomicReference<>("waiting");
    Sinks.Many<BuildEvent> sink = Sinks.many().unicast().onBackpressureBuffer();
    AutoCloseable subscription =
        handle.subscribe(
            e -> {
              sink.tryEmitNext(e);
              if (e instanceof BuildEvent.Finished) {
                sink.tryEmitComplete();
              }
            });
    return sink.asFlux()
        .<Event<String>>handle(
            (e, out) -> {
              Map<String, Object> data = binderEvent(e, phase, handle);
              if (data != null) {
                out.next(event(data));
              }
            })
        .doFinally(
            s -> {
              try {
                subscription.close();
              } catch (Exception ignored) {
                // nothing left to release
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
  private Flux<Event<String>> launch(
      CurrentUser user, ServerName name, LaunchSpec spec, boolean confirm, BuildHandle build) {
    return Mono.fromCallable(() -> servers.launchInBackground(user, name.value(), spec, confirm))
        .subscribeOn(Schedulers.boundedElastic())
        .flatMapMany(
            view -> {
              Flux<Event<String>> launching =
                  Flux.just(
                      event(
                          Map.of(
                              "phase", "launching", "message", "Launching server " + name + "\n")));
              if ("RUNNING".equals(view.state())) {
                return launching.concatWith(Flux.just(ready(view, build)));
              }
              return launching.concatWith(
                  Flux.from(servers.launchEvents(user, name.value()))
                      .map(
                          e -> {
                            LaunchEvent.PhaseChanged p = (LaunchEvent.PhaseChanged) e;
                            return switch (p.phase()) {
                              case READY -> ready(servers.get(user, name.value()), build);
                              case FAILED ->
                                  event(
                                      Map.of(
                                          "phase",
                                          "failed",
                                          "message",
                                          p.message()
                                              + "\n"
                                              + String.join("\n", p.lastLogLines())));
                              default ->
                                  event(
                                      Map.of("phase", "launching", "message", p.message() + "\n"));
                            };
                          }));
            })
        .onErrorResume(
            RuntimeException.class,
            e -> Flux.just(event(Map.of("phase", "failed", "message", e.getMessage() + "\n"))));
  }

  private Event<String> ready(ServerView view, BuildHandle build) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("phase", "ready");
    data.put("message", "server running at " + view.url() + "\n");
    data.put("url", view.url());
    data.put("image", build.target().toString());
    data.put("repo_url", build.source().spec().repoUrl());
    data.put("server_name", view.name());
    data.put("open_url", view.openUrl());
    return event(data);
  }

  private Event<String> event(Map<String, ?> data) {
    try {
      return Event.of(json.writeValueAsString(data));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String lastSegment(String url) {
    String trimmed = url.replaceAll("/+$", "").replaceAll("\\.git$", "");
    return trimmed.substring(trimmed.lastIndexOf('/') + 1);
  }
}
