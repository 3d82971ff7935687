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
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.swagger.v3.oas.annotations.Hidden;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.berth.launch.Principal;
import org.berth.portal.account.Principals;
import org.berth.portal.auth.Csrf;
import org.berth.portal.auth.CurrentUser;
import org.berth.portal.volumes.VolumeView;
import org.berth.volumes.Access;
import org.berth.volumes.Grantee;
import org.berth.volumes.Member;
import org.berth.volumes.Volume;
import org.berth.volumes.VolumeException;
import org.berth.volumes.Volumes;

/**
 * The volumes pages: the caller's volumes and those shared with them, with size and the servers
 * that mount each; creating one; its members; deleting it after a question that names the data.
 */
@Hidden
@Controller
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
class VolumePagesController {

  private final Volumes volumes;
  private final Csrf csrf;
  private final Principals principals;

  VolumePagesController(Volumes volumes, Csrf csrf, Principals principals) {
    this.volumes = volumes;
    this.csrf = csrf;
    this.principals = principals;
  }

  @Get(value = "/volumes", produces = MediaType.TEXT_HTML)
  MutableHttpResponse<?> list(
      Authentication authentication,
      @Nullable @QueryValue String created,
      @Nullable @QueryValue String deleted) {
    Map<String, Object> model = listModel(CurrentUser.of(authentication));
    if (name(created) != null) {
      model.put("notice", "Created " + created + ".");
    } else if (name(deleted) != null) {
      model.put("notice", "Deleted " + deleted + " and its data.");
    }
    return Pages.page(HttpStatus.OK, "volumes", model);
  }

  private Map<String, Object> listModel(CurrentUser user) {
    Principal p = principals.of(user);
    volumes.home(p.name()); // everyone has a home, listed from the start
    Map<String, Object> model = Pages.model(user);
    model.put("volumes", volumes.list(p).stream().map(v -> VolumeView.of(v, p)).toList());
    model.put("usage", VolumeView.usage(volumes.usage(p)));
    return model;
  }

  @Post(
      value = "/volumes",
      consumes = MediaType.APPLICATION_FORM_URLENCODED,
      produces = MediaType.TEXT_HTML)
  MutableHttpResponse<?> create(
      HttpRequest<?> request, Authentication authentication, @Body Map<String, String> form) {
    CurrentUser user = csrf.require(authentication, request, form.get(Csrf.FIELD));
    String name = form.get("name") == null ? "" : form.get("name").strip();
    try {
      Volume v = volumes.create(principals.of(user), name);
      return Pages.redirect("/volumes?created=" + v.name());
    } catch (VolumeException.Invalid | VolumeException.Exists | VolumeException.QuotaExceeded e) {
      // The list again, the name kept in its field with the reason beside it.
      Map<String, Object> model = listModel(user);
      model.put("newName", name);
      model.put("nameError", e.getMessage());
      return Pages.page(ErrorHandlers.Volume.statusOf(e), "volumes", model);
    }
  }

  @Get(value = "/volumes/{name}", produces = MediaType.TEXT_HTML)
  MutableHttpResponse<?> own(
      Authentication authentication,
      @PathVariable String name,
      @Nullable @QueryValue String shared,
      @Nullable @QueryValue String removed) {
    return page(authentication, name, shared, removed);
  }

  @Get(value = "/volumes/{owner}/{name}", produces = MediaType.TEXT_HTML)
  MutableHttpResponse<?> sharedWithMe(
      Authentication authentication, @PathVariable String owner, @PathVariable String name) {
    return page(authentication, owner + "/" + name, null, null);
  }

  private MutableHttpResponse<?> page(
      Authentication authentication, String reference, String shared, String removed) {
    CurrentUser user = CurrentUser.of(authentication);
    Principal p = principals.of(user);
    Map<String, Object> model = Pages.model(user);
    model.put("volume", VolumeView.of(volumes.get(p, reference), p));
    if (shared != null && shared.matches("(group:)?[A-Za-z0-9][A-Za-z0-9._/-]{0,99}")) {
      model.put("notice", "Shared with " + shared + ".");
    } else if (removed != null && removed.matches("(group:)?[A-Za-z0-9][A-Za-z0-9._/-]{0,99}")) {
      model.put("notice", removed + " is no longer a member: their next launch will not mount it.");
    }
    return Pages.page(HttpStatus.OK, "volume", model);
  }

  @Post(
      value = "/volumes/{name}/members",
      consumes = MediaType.APPLICATION_FORM_URLENCODED,
      produces = MediaType.TEXT_HTML)
  MutableHttpResponse<?> share(
      HttpRequest<?> request,
      Authentication authentication,
      @PathVariable String name,
      @Body Map<String, String> form) {
    Principal p = principals.of(csrf.require(authentication, request, form.get(Csrf.FIELD)));
    Grantee who = Grantee.parse(form.get("member"));
    volumes.share(p, name, new Member(who, Access.parse(form.getOrDefault("access", "ro"))));
    return Pages.redirect("/volumes/" + name + "?shared=" + encode(who.toString()));
  }

  @Post(
      value = "/volumes/{name}/members/remove",
      consumes = MediaType.APPLICATION_FORM_URLENCODED,
      produces = MediaType.TEXT_HTML)
  MutableHttpResponse<?> unshare(
      HttpRequest<?> request,
      Authentication authentication,
      @PathVariable String name,
      @Body Map<String, String> form) {
    Principal p = principals.of(csrf.require(authentication, request, form.get(Csrf.FIELD)));
    Grantee who = Grantee.parse(form.get("member"));
    volumes.unshare(p, name, who);
    return Pages.redirect("/volumes/" + name + "?removed=" + encode(who.toString()));
  }

  /** Asks before deleting, naming the data that goes and the servers that mount it. */
  @Get(value = "/volumes/{name}/delete", produces = MediaType.TEXT_HTML)
  MutableHttpResponse<?> confirmDelete(Authentication authentication, @PathVariable String name) {
    CurrentUser user = CurrentUser.of(authentication);
    Principal p = principals.of(user);
    Map<String, Object> model = Pages.model(user);
    model.put("volume", VolumeView.of(volumes.getOwned(p, name), p));
    return Pages.page(HttpStatus.OK, "volume-delete", model);
  }

  @Post(
      value = "/volumes/{name}/delete",
      consumes = MediaType.APPLICATION_FORM_URLENCODED,
      produces = MediaType.TEXT_HTML)
  MutableHttpResponse<?> delete(
      HttpRequest<?> request,
      Authentication authentication,
      @PathVariable String name,
      @Body Map<String, String> form) {
    Principal p = principals.of(csrf.require(authentication, request, form.get(Csrf.FIELD)));
    volumes.delete(p, name);
    return Pages.redirect("/volumes?deleted=" + name);
  }

  private static String name(String s) {
    return s != null && s.matches("[a-z][a-z0-9-]{0,39}") ? s : null;
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
