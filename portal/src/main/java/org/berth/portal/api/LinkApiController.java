package org.berth.portal.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Map;
import org.berth.launch.MountSpec;
import org.berth.launch.ServerSpec;
import org.berth.launch.Servers;
import org.berth.portal.auth.Csrf;
import org.berth.portal.auth.CurrentUser;
import org.berth.portal.servers.LaunchSpec;
import org.berth.portal.sharing.SharingLinks;
import org.berth.sharing.LaunchLinks;
import org.berth.sharing.SavedLink;
import org.berth.sharing.SharingException;

/**
 * Full-spec launch links: a spec (repository, ref, server name, resources, path to open, mounts)
 * saved behind an unguessable id. Whoever follows {@code /launch/<id>} sees its confirmation and
 * launches exactly that spec as their own server.
 */
@Controller("/api/v1/links")
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "links")
class LinkApiController {

  private final LaunchLinks links;
  private final Servers servers;
  private final SharingLinks urls;
  private final Csrf csrf;

  LinkApiController(LaunchLinks links, Servers servers, SharingLinks urls, Csrf csrf) {
    this.links = links;
    this.servers = servers;
    this.urls = urls;
    this.csrf = csrf;
  }

  /** The spec to save; {@code name} is the server's name, the rest as in a launch. */
  @Serdeable
  record NewLink(
      @Nullable String name,
      @Nullable String repo,
      @Nullable String ref,
      @Nullable String memory,
      @Nullable Double cpus,
      @Nullable String idleTimeout,
      @Nullable String path,
      @Nullable List<LaunchSpec.MountBody> mounts) {}

  /** A saved link: its id and the address to share. */
  @Serdeable
  record LinkView(String id, String url) {}

  @Post
  @Operation(summary = "Save a launch spec as a full-spec link; answers its unguessable address")
  HttpResponse<LinkView> save(
      HttpRequest<?> request, Authentication authentication, @Body NewLink body) {
    CurrentUser user = csrf.require(authentication, request, null);
    List<MountSpec> mounts =
        body.mounts() == null
            ? List.of()
            : body.mounts().stream().map(LaunchSpec.MountBody::toSpec).toList();
    ServerSpec.Request asked =
        new ServerSpec.Request(
            null,
            body.repo(),
            body.ref(),
            body.memory(),
            body.cpus(),
            body.idleTimeout(),
            body.path(),
            null,
            mounts,
            Map.of());
    // The same checks a launch makes first, so that a link never saves what no launch could run.
    servers.problems(body.name() == null ? "" : body.name(), asked).values().stream()
        .findFirst()
        .ifPresent(
            message -> {
              throw new SharingException.Invalid(message);
            });
    SavedLink saved =
        links.save(
            user.username(),
            new LaunchLinks.Draft(
                body.repo(),
                body.ref(),
                body.name(),
                body.memory(),
                body.cpus(),
                body.idleTimeout(),
                body.path(),
                mounts));
    return HttpResponse.created(new LinkView(saved.id(), urls.saved(saved.id())));
  }
}
