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
import org.berth.builder.NoSuchBuildException;
import org.berth.portal.auth.Csrf;
import org.berth.portal.auth.CurrentUser;
import org.berth.portal.builds.BuildView;
import org.berth.portal.builds.Builds;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;

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

  /**
   * One build event as streamed: {@code type} is a phase ({@code resolving}, {@code cache_hit},
   * {@code queued}, {@code fetching}, {@code building}, {@code pushing}, {@code built}, {@code
   * failed}), {@code queue} (with the position in {@code done}), {@code step}, {@code progress}
   * (with {@code done} of {@code total}, 0 when unknown), {@code log}, or {@code finished} (with
   * {@code succeeded}).
   */
  @Serdeable
  record BuildEventView(
      String type,
      String text,
      @Nullable Long done,
      @Nullable Long total,
      @Nullable Boolean succeeded) {
    BuildEventView(String type, String text) {
      this(type, text, null, null, null);
    }
  }

  @Post
  @Operation(summary = "Start (or join, or find cached) the build of a repository at a ref")
  HttpResponse<BuildView> start(
      HttpRequest<?> request, Authentication authentication, @Nullable @Body BuildRequest body) {
    CurrentUser user = csrf.require(authentication, request, null);
    BuildHandle handle =
        builds.submit(
            body == null ? null : body.repo(), body == null ? null : body.ref(), user.username());
    return HttpResponse.accepted().body(BuildView.of(handle));
  }

  /** What a cancel did: {@code stopped}, or {@code withdrawn} when others still wait for it. */
  @Serdeable
  record CancelView(String id, String result) {}

  @Post("/{id}/cancel")
  @Operation(
      summary =
          "Withdraw your request for a running build; the build stops when nobody else waits for it")
  HttpResponse<CancelView> cancel(
      HttpRequest<?> request, Authentication authentication, @PathVariable String id) {
    CurrentUser user = csrf.require(authentication, request, null);
    return HttpResponse.accepted()
        .body(new CancelView(id, builds.cancel(id, user.username()).name().toLowerCase()));
  }

  @Get("/{id}")
  @Operation(summary = "A build's status, commit, strategy, image and digest")
  HttpResponse<BuildView> get(@PathVariable String id) {
    return HttpResponse.ok(builds.view(id));
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
                  Event.of(
                          new BuildEventView(
                              "finished",
                              record.message(),
                              null,
                              null,
                              "built".equals(BuildView.of(record).status())))
                      .name("finished")));
    }
    return Builds.events(running.get()).map(BuildApiController::view);
  }

  private static Event<BuildEventView> view(BuildEvent event) {
    BuildEventView view;
    if (event instanceof BuildEvent.PhaseChanged p) {
      view = new BuildEventView(p.phase().name().toLowerCase(), p.message());
    } else if (event instanceof BuildEvent.LogLine l) {
      view = new BuildEventView("log", l.line());
    } else if (event instanceof BuildEvent.QueuePosition q) {
      view =
          new BuildEventView(
              "queue",
              "position " + q.position() + " in the queue",
              (long) q.position(),
              null,
              null);
    } else if (event instanceof BuildEvent.Progress p) {
      view = new BuildEventView("progress", p.step(), p.done(), p.total(), null);
    } else if (event instanceof BuildEvent.StepRan r) {
      view =
          new BuildEventView(
              "step", r.step() + (r.cached() ? " (cached)" : "") + ": " + r.detail());
    } else {
      BuildEvent.Finished f = (BuildEvent.Finished) event;
      view =
          new BuildEventView(
              "finished",
              f.succeeded() ? f.image() + " is ready" : f.message(),
              null,
              null,
              f.succeeded());
    }
    return Event.of(view).name(view.type());
  }
}
