package org.berth.portal.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.sse.Event;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.berth.launch.LaunchEvent;
import org.berth.portal.auth.Csrf;
import org.berth.portal.auth.CurrentUser;
import org.berth.portal.servers.LaunchSpec;
import org.berth.portal.servers.ServerService;
import org.berth.portal.servers.ServerView;
import org.reactivestreams.Publisher;

/** The caller's named servers. */
@Controller("/api/v1/servers")
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "servers")
class ServerApiController {

  private final ServerService servers;
  private final Csrf csrf;

  ServerApiController(ServerService servers, Csrf csrf) {
    this.servers = servers;
    this.csrf = csrf;
  }

  /** One launch event as streamed to clients. */
  @Serdeable
  record LaunchEventView(String phase, String message, List<String> log) {}

  @Put("/{name}")
  @Operation(
      summary =
          "Create, reuse or (with confirm=true after a spec change) recreate a server; waits until"
              + " it is ready")
  HttpResponse<ServerView> launch(
      HttpRequest<?> request,
      Authentication authentication,
      @PathVariable String name,
      @Nullable @QueryValue Boolean confirm,
      @Nullable @Body LaunchSpec spec) {
    CurrentUser user = csrf.require(authentication, request, null);
    ServerService.Launched launched =
        servers.launch(
            user,
            name,
            spec == null ? new LaunchSpec(null, null, null, null, null, null, null, null) : spec,
            Boolean.TRUE.equals(confirm));
    return HttpResponse.status(launched.created() ? HttpStatus.CREATED : HttpStatus.OK)
        .body(launched.server());
  }

  @Get
  @Operation(summary = "The caller's servers")
  List<ServerView> list(Authentication authentication) {
    return servers.list(CurrentUser.of(authentication));
  }

  @Get("/{name}")
  @Operation(summary = "One of the caller's servers")
  ServerView get(Authentication authentication, @PathVariable String name) {
    return servers.get(CurrentUser.of(authentication), name);
  }

  @Post("/{name}/stop")
  @Operation(summary = "Stop a server; its home is kept")
  ServerView stop(
      HttpRequest<?> request, Authentication authentication, @PathVariable String name) {
    return servers.stop(csrf.require(authentication, request, null), name);
  }

  @Delete("/{name}")
  @Operation(summary = "Delete a server and its home")
  HttpResponse<?> delete(
      HttpRequest<?> request, Authentication authentication, @PathVariable String name) {
    servers.delete(csrf.require(authentication, request, null), name);
    return HttpResponse.noContent();
  }

  @Get(value = "/{name}/events", produces = MediaType.TEXT_EVENT_STREAM)
  @Operation(summary = "The latest launch's events as Server-Sent Events")
  Publisher<Event<LaunchEventView>> events(
      Authentication authentication, @PathVariable String name) {
    return reactor.core.publisher.Flux.from(
            servers.launchEvents(CurrentUser.of(authentication), name))
        .map(ServerApiController::view);
  }

  private static Event<LaunchEventView> view(LaunchEvent event) {
    LaunchEvent.PhaseChanged p = (LaunchEvent.PhaseChanged) event;
    return Event.of(
            new LaunchEventView(p.phase().name().toLowerCase(), p.message(), p.lastLogLines()))
        .name(p.phase().name().toLowerCase());
  }
}
