package org.berth.portal.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.util.List;
import org.berth.launch.Durations;
import org.berth.launch.Principal;
import org.berth.portal.account.Principals;
import org.berth.portal.auth.Csrf;
import org.berth.portal.auth.CurrentUser;
import org.berth.portal.servers.ServerView;
import org.berth.portal.servers.ServerViews;
import org.berth.portal.sharing.SharingLinks;
import org.berth.sharing.Invite;
import org.berth.sharing.PublicAccess;
import org.berth.sharing.Sharing;
import org.berth.volumes.Grantee;

/**
 * Who a server is shared with: collaborators, invite links and public access, for the server's
 * owner; and the servers shared with the caller.
 */
@Controller("/api/v1")
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "sharing")
class SharingApiController {

  private final Sharing sharing;
  private final ServerViews views;
  private final SharingLinks links;
  private final Csrf csrf;
  private final Principals principals;

  SharingApiController(
      Sharing sharing, ServerViews views, SharingLinks links, Csrf csrf, Principals principals) {
    this.sharing = sharing;
    this.views = views;
    this.links = links;
    this.csrf = csrf;
    this.principals = principals;
  }

  /** A collaborator: a user name, or {@code group:name}. */
  @Serdeable
  record CollaboratorView(String member) {}

  /** An invite as its owner sees it; {@code link} only in the answer that made it. */
  @Serdeable
  record InviteView(
      String id,
      @Nullable String link,
      Instant createdAt,
      Instant expiresAt,
      int uses,
      String state) {}

  /** How long a new invite lasts, e.g. {@code 1d} (1 minute to 1 year). */
  @Serdeable
  record NewInvite(@Nullable String expiresIn) {}

  /** Public access: on or off, and whether visitors mount the volumes read-only or not at all. */
  @Serdeable
  record PublicView(boolean enabled, String mounts, @Nullable String link) {}

  @Get("/servers/{name}/collaborators")
  @Operation(summary = "Who the caller shares the server with")
  List<CollaboratorView> collaborators(Authentication authentication, @PathVariable String name) {
    return sharing.collaborators(principal(authentication), name).stream()
        .map(g -> new CollaboratorView(g.toString()))
        .toList();
  }

  @Put("/servers/{name}/collaborators/{member}")
  @Operation(summary = "Share the server with a user, or with group:name")
  List<CollaboratorView> add(
      HttpRequest<?> request,
      Authentication authentication,
      @PathVariable String name,
      @PathVariable String member) {
    Principal owner = principals.of(csrf.require(authentication, request, null));
    sharing.addCollaborator(owner, name, Grantee.parse(member));
    return collaborators(authentication, name);
  }

  @Delete("/servers/{name}/collaborators/{member}")
  @Operation(
      summary = "Stop sharing the server with a user or group (their next request is refused)")
  HttpResponse<?> remove(
      HttpRequest<?> request,
      Authentication authentication,
      @PathVariable String name,
      @PathVariable String member) {
    Principal owner = principals.of(csrf.require(authentication, request, null));
    sharing.removeCollaborator(owner, name, Grantee.parse(member));
    return HttpResponse.noContent();
  }

  @Get("/shared")
  @Operation(summary = "Other users' servers shared with the caller")
  List<ServerView> shared(Authentication authentication) {
    return sharing.sharedWith(principal(authentication)).stream().map(views::of).toList();
  }

  @Delete("/shared/{owner}/{name}")
  @Operation(summary = "Leave a server shared with the caller")
  HttpResponse<?> leave(
      HttpRequest<?> request,
      Authentication authentication,
      @PathVariable String owner,
      @PathVariable String name) {
    sharing.leave(principals.of(csrf.require(authentication, request, null)), owner, name);
    return HttpResponse.noContent();
  }

  @Post("/servers/{name}/invites")
  @Operation(
      summary = "Make an invite link (shown once), valid 1 minute to 1 year, 1 day by default")
  HttpResponse<InviteView> invite(
      HttpRequest<?> request,
      Authentication authentication,
      @PathVariable String name,
      @Nullable @Body NewInvite body) {
    Principal owner = principals.of(csrf.require(authentication, request, null));
    String expiresIn = body == null ? null : body.expiresIn();
    Sharing.NewInvite made =
        sharing.invite(
            owner,
            name,
            expiresIn == null || expiresIn.isBlank()
                ? null
                : Durations.parse(expiresIn, "The invite's life"));
    return HttpResponse.created(view(made.invite(), links.invite(made.secret())));
  }

  @Get("/servers/{name}/invites")
  @Operation(summary = "The server's invites with their uses")
  List<InviteView> invites(Authentication authentication, @PathVariable String name) {
    return sharing.invites(principal(authentication), name).stream()
        .map(i -> view(i, null))
        .toList();
  }

  @Delete("/servers/{name}/invites/{id}")
  @Operation(summary = "Revoke one invite")
  HttpResponse<?> revoke(
      HttpRequest<?> request,
      Authentication authentication,
      @PathVariable String name,
      @PathVariable String id) {
    sharing.revoke(principals.of(csrf.require(authentication, request, null)), name, id);
    return HttpResponse.noContent();
  }

  @Delete("/servers/{name}/invites")
  @Operation(summary = "Revoke every invite of the server")
  HttpResponse<?> revokeAll(
      HttpRequest<?> request, Authentication authentication, @PathVariable String name) {
    sharing.revokeAll(principals.of(csrf.require(authentication, request, null)), name);
    return HttpResponse.noContent();
  }

  @Put("/servers/{name}/public")
  @Operation(summary = "Turn visitors' access on or off; mounts: read-only (default) or none")
  PublicView setPublic(
      HttpRequest<?> request,
      Authentication authentication,
      @PathVariable String name,
      @Body PublicView body) {
    Principal owner = principals.of(csrf.require(authentication, request, null));
    PublicAccess access =
        sharing.setPublic(owner, name, body.enabled(), !"none".equalsIgnoreCase(body.mounts()));
    return view(access);
  }

  @Get("/servers/{name}/public")
  @Operation(summary = "Whether visitors may come, and the public link")
  PublicView getPublic(Authentication authentication, @PathVariable String name) {
    return sharing
        .publicAccess(principal(authentication), name)
        .map(this::view)
        .orElse(new PublicView(false, "read-only", null));
  }

  private PublicView view(PublicAccess a) {
    return new PublicView(
        a.enabled(),
        a.mountsReadOnly() ? "read-only" : "none",
        a.enabled() ? links.visit(a.linkId()) : null);
  }

  private InviteView view(Invite i, String link) {
    String state = i.revoked() ? "revoked" : i.usableAt(Instant.now()) ? "active" : "expired";
    return new InviteView(i.id(), link, i.createdAt(), i.expiresAt(), i.uses(), state);
  }

  private Principal principal(Authentication authentication) {
    return principals.of(CurrentUser.of(authentication));
  }
}
