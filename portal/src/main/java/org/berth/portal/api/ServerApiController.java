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
import io.micronaut.http.exceptions.HttpStatusException;
import io.micronaut.http.sse.Event;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.berth.launch.Principal;
import org.berth.launch.Server;
import org.berth.launch.ServerSpec;
import org.berth.launch.Servers;
import org.berth.portal.account.Principals;
import org.berth.portal.auth.Csrf;
import org.berth.portal.auth.CurrentUser;
import org.berth.portal.servers.LaunchEventViews;
import org.berth.portal.servers.LaunchEventViews.LaunchEventView;
import org.berth.portal.servers.LaunchSpec;
import org.berth.portal.servers.ServerView;
import org.berth.portal.servers.ServerViews;
import org.reactivestreams.Publisher;

/** The caller's named servers: the HTTP side of the servers domain. */
@Controller("/api/v1/servers")
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "servers")
class ServerApiController {

  private final Servers servers;
  private final ServerViews views;
  private final Csrf csrf;
  private final Principals principals;

  ServerApiController(Servers servers, ServerViews views, Csrf csrf, Principals principals) {
    this.principals = principals;
    this.servers = servers;
    this.views = views;
    this.csrf = csrf;
  }

  @Put("/{name}")
  @Operation(
      summary =
          "Create, reuse or (with confirm=true after a change of settings) update a server; waits"
              + " until it is ready")
  HttpResponse<ServerView> launch(
      HttpRequest<?> request,
      Authentication authentication,
      @PathVariable String name,
      @Nullable @QueryValue Boolean confirm,
      @Nullable @Body LaunchSpec spec) {
    Principal user = principals.of(csrf.require(authentication, request, null));
    if (spec != null && spec.refusal().isPresent()) {
      throw new HttpStatusException(HttpStatus.BAD_REQUEST, spec.refusal().get());
    }
    Servers.Launched launched =
        servers.launch(
            user,
            name,
            spec == null ? ServerSpec.Request.defaults() : spec.toRequest(),
            Boolean.TRUE.equals(confirm));
    return HttpResponse.status(launched.created() ? HttpStatus.CREATED : HttpStatus.OK)
        .body(views.of(launched.server()));
  }

  @Get
  @Operation(summary = "The caller's servers")
  List<ServerView> list(Authentication authentication) {
    return views.list(principals.of(CurrentUser.of(authentication)));
  }

  @Get("/{name}")
  @Operation(summary = "One of the caller's servers")
  ServerView get(Authentication authentication, @PathVariable String name) {
    return views.get(principals.of(CurrentUser.of(authentication)), name);
  }

  @Post("/{name}/start")
  @Operation(summary = "Start a stopped server again with its saved settings; waits until ready")
  ServerView start(
      HttpRequest<?> request, Authentication authentication, @PathVariable String name) {
    Server started =
        servers.start(principals.of(csrf.require(authentication, request, null)), name);
    return views.of(started);
  }

  @Post("/{name}/stop")
  @Operation(summary = "Stop a server; its files are kept")
  ServerView stop(
      HttpRequest<?> request, Authentication authentication, @PathVariable String name) {
    return views.of(servers.stop(principals.of(csrf.require(authentication, request, null)), name));
  }

  @Delete("/{name}")
  @Operation(summary = "Delete a server; its files are kept unless deleteData=true")
  HttpResponse<?> delete(
      HttpRequest<?> request,
      Authentication authentication,
      @PathVariable String name,
      @Nullable @QueryValue Boolean deleteData) {
    servers.delete(
        principals.of(csrf.require(authentication, request, null)),
        name,
        Boolean.TRUE.equals(deleteData));
    return HttpResponse.noContent();
  }

  @Get(value = "/{name}/events", produces = MediaType.TEXT_EVENT_STREAM)
  @Operation(summary = "The latest launch's events as Server-Sent Events")
  Publisher<Event<LaunchEventView>> events(
      Authentication authentication, @PathVariable String name) {
    return views
        .events(principals.of(CurrentUser.of(authentication)), name)
        .map(LaunchEventViews::sse);
  }
}
