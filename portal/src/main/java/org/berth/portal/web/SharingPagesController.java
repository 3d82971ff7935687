package org.berth.portal.web;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.swagger.v3.oas.annotations.Hidden;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.berth.launch.Principal;
import org.berth.launch.Server;
import org.berth.portal.account.Principals;
import org.berth.portal.auth.Csrf;
import org.berth.portal.auth.CurrentUser;
import org.berth.portal.proxy.OriginAccess;
import org.berth.portal.sharing.SharingLinks;
import org.berth.portal.sharing.SharingModel;
import org.berth.sharing.Sharing;
import org.berth.sharing.SharingException;
import org.berth.volumes.Grantee;

/**
 * The pages of sharing a server: its owner adds and removes collaborators, makes and revokes
 * invites and turns public access on or off (on the server's page); a user accepts an invite and
 * opens or leaves servers shared with them.
 */
@Hidden
@Controller
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
class SharingPagesController {

  /** The invite lives the owner may choose on the page, by form value. */
  static final Map<String, Duration> LIVES =
      Map.of(
          "1h", Duration.ofHours(1),
          "1d", Duration.ofDays(1),
          "7d", Duration.ofDays(7),
          "30d", Duration.ofDays(30),
          "365d", Duration.ofDays(365));

  private final Sharing sharing;
  private final SharingLinks links;
  private final OriginAccess origins;
  private final Csrf csrf;
  private final Principals principals;

  SharingPagesController(
      Sharing sharing, SharingLinks links, OriginAccess origins, Csrf csrf, Principals principals) {
    this.sharing = sharing;
    this.links = links;
    this.origins = origins;
    this.csrf = csrf;
    this.principals = principals;
  }

  @Post(
      value = "/servers/{name}/collaborators",
      consumes = MediaType.APPLICATION_FORM_URLENCODED,
      produces = MediaType.TEXT_HTML)
  MutableHttpResponse<?> add(
      HttpRequest<?> request,
      Authentication authentication,
      @PathVariable String name,
      @Body Map<String, String> form) {
    Principal owner = owner(authentication, request, form);
    Grantee who = Grantee.parse(form.get("member"));
    sharing.addCollaborator(owner, name, who);
    return back(name, "added", who.toString());
  }

  @Post(
      value = "/servers/{name}/collaborators/remove",
      consumes = MediaType.APPLICATION_FORM_URLENCODED,
      produces = MediaType.TEXT_HTML)
  MutableHttpResponse<?> remove(
      HttpRequest<?> request,
      Authentication authentication,
      @PathVariable String name,
      @Body Map<String, String> form) {
    Principal owner = owner(authentication, request, form);
    Grantee who = Grantee.parse(form.get("member"));
    sharing.removeCollaborator(owner, name, who);
    return back(name, "removed", who.toString());
  }

  @Post(
      value = "/servers/{name}/invites",
      consumes = MediaType.APPLICATION_FORM_URLENCODED,
      produces = MediaType.TEXT_HTML)
  MutableHttpResponse<?> invite(
      HttpRequest<?> request,
      Authentication authentication,
      @PathVariable String name,
      @Body Map<String, String> form) {
    Principal owner = owner(authentication, request, form);
    Duration life = LIVES.get(form.getOrDefault("expiresIn", "1d"));
    if (life == null) {
      throw new SharingException.Invalid("Choose how long the invite lasts from the list.");
    }
    Sharing.NewInvite made = sharing.invite(owner, name, life);
    // Shown once, on this answer only: the page that follows never has the secret.
    CurrentUser user = CurrentUser.of(authentication);
    Map<String, Object> model = Pages.model(user);
    model.put("name", name);
    model.put("link", links.invite(made.secret()));
    model.put("expires", SharingModel.when(made.invite().expiresAt()));
    return Pages.page(HttpStatus.CREATED, "invite-made", model);
  }

  @Post(
      value = "/servers/{name}/invites/{id}/revoke",
      consumes = MediaType.APPLICATION_FORM_URLENCODED,
      produces = MediaType.TEXT_HTML)
  MutableHttpResponse<?> revoke(
      HttpRequest<?> request,
      Authentication authentication,
      @PathVariable String name,
      @PathVariable String id,
      @Body Map<String, String> form) {
    sharing.revoke(owner(authentication, request, form), name, id);
    return back(name, "revoked", null);
  }

  @Post(
      value = "/servers/{name}/invites/revoke-all",
      consumes = MediaType.APPLICATION_FORM_URLENCODED,
      produces = MediaType.TEXT_HTML)
  MutableHttpResponse<?> revokeAll(
      HttpRequest<?> request,
      Authentication authentication,
      @PathVariable String name,
      @Body Map<String, String> form) {
    sharing.revokeAll(owner(authentication, request, form), name);
    return back(name, "revoked-all", null);
  }

  @Post(
      value = "/servers/{name}/public",
      consumes = MediaType.APPLICATION_FORM_URLENCODED,
      produces = MediaType.TEXT_HTML)
  MutableHttpResponse<?> setPublic(
      HttpRequest<?> request,
      Authentication authentication,
      @PathVariable String name,
      @Body Map<String, String> form) {
    boolean on = "true".equals(form.get("enabled"));
    sharing.setPublic(
        owner(authentication, request, form), name, on, !"none".equals(form.get("mounts")));
    return back(name, on ? "public-on" : "public-off", null);
  }

  /** The page that says what an invite grants, before anything is granted. */
  @Get(value = "/invites/{secret}", produces = MediaType.TEXT_HTML)
  MutableHttpResponse<?> offer(Authentication authentication, @PathVariable String secret) {
    CurrentUser user = CurrentUser.of(authentication);
    Sharing.InviteOffer offer = sharing.offer(principals.of(user), secret);
    Map<String, Object> model = Pages.model(user);
    model.put("owner", offer.owner().value());
    model.put("server", offer.server().value());
    model.put("expires", SharingModel.when(offer.expiresAt()));
    model.put("already", offer.alreadyGranted());
    model.put("secret", secret);
    return Pages.page(HttpStatus.OK, "invite", model);
  }

  @Post(
      value = "/invites/{secret}",
      consumes = MediaType.APPLICATION_FORM_URLENCODED,
      produces = MediaType.TEXT_HTML)
  MutableHttpResponse<?> accept(
      HttpRequest<?> request,
      Authentication authentication,
      @PathVariable String secret,
      @Body Map<String, String> form) {
    CurrentUser user = csrf.require(authentication, request, form.get(Csrf.FIELD));
    Server s = sharing.accept(principals.of(user), secret);
    return Pages.redirect(
        "/servers?joined="
            + URLEncoder.encode(
                s.owner().value() + "/" + s.name().value(), StandardCharsets.UTF_8));
  }

  /** Opens a server shared with the caller: a one-time link into its origin, as its owner. */
  @Get("/shared/{owner}/{name}/open")
  MutableHttpResponse<?> open(
      Authentication authentication, @PathVariable String owner, @PathVariable String name) {
    CurrentUser user = CurrentUser.of(authentication);
    Server s = sharing.shared(principals.of(user), owner, name);
    return Pages.redirect(origins.handoffLink(user.username(), s.serverId(), s.baseUrl() + "tree"));
  }

  @Post(
      value = "/shared/{owner}/{name}/leave",
      consumes = MediaType.APPLICATION_FORM_URLENCODED,
      produces = MediaType.TEXT_HTML)
  MutableHttpResponse<?> leave(
      HttpRequest<?> request,
      Authentication authentication,
      @PathVariable String owner,
      @PathVariable String name,
      @Body Map<String, String> form) {
    CurrentUser user = csrf.require(authentication, request, form.get(Csrf.FIELD));
    sharing.leave(principals.of(user), owner, name);
    return Pages.redirect(
        "/servers?left=" + URLEncoder.encode(owner + "/" + name, StandardCharsets.UTF_8));
  }

  private Principal owner(
      Authentication authentication, HttpRequest<?> request, Map<String, String> form) {
    return principals.of(csrf.require(authentication, request, form.get(Csrf.FIELD)));
  }

  private static MutableHttpResponse<?> back(String name, String code, @Nullable String who) {
    return Pages.redirect(
        "/servers/"
            + name
            + "?shared="
            + code
            + (who == null ? "" : "&who=" + URLEncoder.encode(who, StandardCharsets.UTF_8))
            + "#sharing");
  }
}
