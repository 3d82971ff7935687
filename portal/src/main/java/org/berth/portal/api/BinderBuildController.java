package org.berth.portal.api;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Options;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.sse.Event;
import io.micronaut.json.JsonMapper;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.authentication.AuthorizationException;
import io.micronaut.security.rules.SecurityRule;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import org.berth.portal.auth.ClientAddress;
import org.berth.portal.auth.CurrentUser;
import org.berth.portal.auth.Via;
import org.berth.portal.servers.BinderConfiguration;
import org.berth.portal.servers.BinderLaunches;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;

/**
 * BinderHub's API, so that existing Binder clients can drive Berth: {@code GET
 * /build/<provider>/<spec>} builds the repository and launches it, streaming BinderHub's phases
 * ({@code waiting}, {@code fetching}, {@code building}, {@code pushing}, {@code built}, {@code
 * launching}, then {@code ready} or {@code failed}) as {@code data:} JSON lines, with {@code
 * :keepalive} comments in between.
 *
 * <p>A signed-in caller (session or API token) gets one of their named servers; its {@code ready}
 * carries no server token (the server is reached through Berth with the caller's own credentials),
 * and a server whose spec changed is only recreated with {@code confirm=true}. Where the operator
 * allows anonymous visitors ({@code berth.binder.anonymous}), a caller without credentials gets a
 * visitor's temporary server and its {@code ready} carries {@code url} and a {@code token} valid
 * for that server alone; otherwise such a caller gets 401. Answers carry {@code
 * Access-Control-Allow-Origin} as BinderHub sets it ({@link BinderCors}).
 */
@Controller("/build")
@Secured(SecurityRule.IS_ANONYMOUS)
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "binder")
class BinderBuildController {

  private final BinderLaunches binder;
  private final JsonMapper json;
  private final Duration keepalive;
  private final BinderConfiguration config;
  private final ClientAddress clientAddress;

  BinderBuildController(
      BinderLaunches binder,
      JsonMapper json,
      @Value("${berth.binder.keepalive:15s}") Duration keepalive,
      BinderConfiguration config,
      ClientAddress clientAddress) {
    this.config = config;
    this.clientAddress = clientAddress;
    this.binder = binder;
    this.json = json;
    this.keepalive = keepalive;
  }

  @Get(value = "/{provider}/{+spec}", produces = MediaType.TEXT_EVENT_STREAM)
  @Operation(summary = "BinderHub-compatible build and launch, as Server-Sent Events")
  Publisher<Event<String>> build(
      HttpRequest<?> request,
      @Nullable Authentication authentication,
      @PathVariable String provider,
      @PathVariable String spec,
      @Nullable @QueryValue String name,
      @Nullable @QueryValue("build_only") String buildOnly,
      @Nullable @QueryValue String confirm) {
    if (authentication == null) {
      if (!config.isAnonymous()) {
        throw new AuthorizationException(null); // 401 with a Bearer challenge, as before
      }
      return keptAlive(
          binder.visit(provider, spec, "visitor@" + clientAddress.of(request)).map(this::event));
    }
    CurrentUser user = CurrentUser.of(authentication);
    String site = request.getHeaders().get("Sec-Fetch-Site");
    if (user.via() == Via.SESSION && site != null && !site.equals("same-origin")) {
      // A link from another site must not launch anything with the visitor's session.
      return Flux.just(
          event(
              BinderLaunches.message(
                  "failed",
                  "Requests from other sites need an API token; sessions work only from Berth's"
                      + " own pages.")));
    }
    Flux<Event<String>> stream =
        binder
            .run(
                user,
                provider,
                spec,
                name,
                "true".equalsIgnoreCase(buildOnly),
                "true".equalsIgnoreCase(confirm))
            .map(this::event);
    return keptAlive(stream);
  }

  /** A CORS preflight, answered for any client (see {@link BinderCors} for the headers). */
  @Options("/{provider}/{+spec}")
  @Operation(hidden = true)
  HttpResponse<?> preflight(@PathVariable String provider, @PathVariable String spec) {
    return HttpResponse.noContent();
  }

  /** The stream with {@code :keepalive} comments while nothing else is sent. */
  private Publisher<Event<String>> keptAlive(Flux<Event<String>> stream) {
    return stream.publish(
        events ->
            Flux.merge(
                events,
                Flux.interval(keepalive, keepalive)
                    .map(i -> Event.of("").comment("keepalive"))
                    .takeUntilOther(events.then())));
  }

  private Event<String> event(Map<String, ?> data) {
    try {
      return Event.of(json.writeValueAsString(data));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
