package org.berth.portal.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.sse.Event;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.berth.builder.BuildEvent;
import org.berth.builder.BuildHandle;
import org.berth.builder.BuildRecord;
import org.berth.builder.BuiltImage;
import org.berth.portal.auth.Csrf;
import org.berth.portal.builds.Builds;
import org.berth.portal.builds.NoSuchBuildException;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/** Builds: from a repository and a ref to an image in the registry. */
@Controller("/api/v1/builds")
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "builds")
class BuildApiController {

  private final Builds builds;
  private final Csrf csrf;

  BuildApiController(Builds builds, Csrf csrf) {
    this.builds = builds;
    this.csrf = csrf;
  }

  /** What to build. */
  @Serdeable
  record BuildRequest(@Nullable String repo, @Nullable String ref) {}

  /** A build as the API shows it. */
  @Serdeable
  record BuildView(
      String id,
      String status,
      String repo,
      String commit,
      @Nullable String strategy,
      String image,
      @Nullable String digest,
      @Nullable String error,
      int queuePosition) {

    static BuildView of(BuildRecord r) {
      String status =
          switch (r.outcome()) {
            case BUILT, CACHE_HIT -> "built";
            case FAILED -> "failed";
            case CANCELLED -> "cancelled";
          };
      return new BuildView(
          r.id(),
          status,
          r.source(),
          r.commit(),
          r.strategy(),
          r.image() == null ? "" : r.image().toString(),
          r.digest() == null ? null : r.digest().toString(),
          r.message(),
          0);
    }

    static BuildView of(BuildHandle h) {
      String status = "running";
      String strategy = null;
      String digest = null;
      String error = null;
      if (h.result().isDone()) {
        try {
          BuiltImage built = h.result().join();
          status = "built";
          strategy = built.strategy();
          digest = built.digest().toString();
        } catch (RuntimeException e) {
          status = "failed";
          error = e.getCause() == null ? e.getMessage() : e.getCause().getMessage();
        }
      } else if (h.queuePosition() > 0) {
        status = "queued";
      }
      return new BuildView(
          h.id(),
          status,
          h.source().spec().repoUrl(),
          h.source().commit(),
          strategy,
          h.target().toString(),
          digest,
          error,
          h.queuePosition());
    }
  }

  /** One build event as streamed. */
  @Serdeable
  record BuildEventView(String type, String text) {}

  @Post
  @Operation(summary = "Start (or join, or find cached) the build of a repository at a ref")
  HttpResponse<BuildView> start(
      HttpRequest<?> request, Authentication authentication, @Nullable @Body BuildRequest body) {
    csrf.require(authentication, request, null);
    BuildHandle handle =
        builds.submit(body == null ? null : body.repo(), body == null ? null : body.ref());
    return HttpResponse.accepted().body(BuildView.of(handle));
  }

  @Get("/{id}")
  @Operation(summary = "A build's status, commit, strategy, image and digest")
  HttpResponse<BuildView> get(@PathVariable String id) {
    return HttpResponse.ok(
        builds
            .find(id)
            .map(BuildView::of)
            .or(() -> builds.record(id).map(BuildView::of))
            .orElseThrow(() -> new NoSuchBuildException(id)));
  }

  @Get(value = "/{id}/events", produces = MediaType.TEXT_EVENT_STREAM)
  @Operation(summary = "A build's events as Server-Sent Events, from its start")
  Publisher<Event<BuildEventView>> events(@PathVariable String id) {
    java.util.Optional<BuildHandle> running = builds.find(id);
    if (running.isEmpty()) {
      // A finished build: its log, then how it ended.
      BuildRecord record = builds.record(id).orElseThrow(() -> new NoSuchBuildException(id));
      return Flux.fromIterable(record.log())
          .map(line -> Event.of(new BuildEventView("log", line)).name("log"))
          .concatWith(
              Flux.just(
                  Event.of(new BuildEventView("finished", BuildView.of(record).status()))
                      .name("finished")));
    }
    BuildHandle handle = running.get();
    Sinks.Many<BuildEvent> sink = Sinks.many().unicast().onBackpressureBuffer();
    AutoCloseable subscription =
        handle.subscribe(
            e -> {
              sink.tryEmitNext(e);
              if (e instanceof BuildEvent.Finished) {
                sink.tryEmitComplete();
              }
            });
    return Flux.from(sink.asFlux())
        .map(BuildApiController::view)
        .doFinally(
            s -> {
              try {
                subscription.close();
              } catch (Exception ignored) {
                // nothing left to release
              }
            });
  }

  private static Event<BuildEventView> view(BuildEvent event) {
    String type;
    String text;
    if (event instanceof BuildEvent.PhaseChanged p) {
      type = p.phase().name().toLowerCase();
      text = p.message();
    } else if (event instanceof BuildEvent.LogLine l) {
      type = "log";
      text = l.line();
    } else if (event instanceof BuildEvent.Finished f) {
      type = "finished";
      text = String.valueOf(f);
    } else {
      type = "progress";
      text = String.valueOf(event);
    }
    return Event.of(new BuildEventView(type, text)).name(type);
  }
}
