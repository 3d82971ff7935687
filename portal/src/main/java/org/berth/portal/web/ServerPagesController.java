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
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.berth.builder.BuildException;
import org.berth.builder.BuildHandle;
import org.berth.launch.LaunchException;
import org.berth.launch.MountSpec;
import org.berth.launch.Principal;
import org.berth.launch.ServerName;
import org.berth.launch.ServerSpec;
import org.berth.launch.ServerState;
import org.berth.launch.Servers;
import org.berth.portal.account.Preferences;
import org.berth.portal.account.Principals;
import org.berth.portal.auth.Csrf;
import org.berth.portal.auth.CurrentUser;
import org.berth.portal.builds.Builds;
import org.berth.portal.servers.ServerView;
import org.berth.portal.servers.ServerViews;
import org.berth.portal.sharing.SharingLinks;
import org.berth.portal.sharing.SharingModel;
import org.berth.sharing.BinderLinks;
import org.berth.sharing.LaunchLinks;
import org.berth.sharing.SavedLink;
import org.berth.sharing.Sharing;
import org.berth.sharing.SharingException;
import org.berth.volumes.VolumeException;
import org.berth.volumes.Volumes;

/**
 * The launch form and its target, the launching page, "my servers", a server's own page, and the
 * server actions (start, stop, delete after a confirmation). What each action does to a server is
 * the servers domain's decision; these pages only ask and show.
 */
@Hidden
@Controller
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
class ServerPagesController {

  private final Servers servers;
  private final ServerViews views;
  private final Builds builds;
  private final Csrf csrf;
  private final Principals principals;
  private final Preferences preferences;
  private final LaunchLinks links;
  private final ConfirmationPage confirmation;
  private final FrontPage front;
  private final SharingLinks urls;
  private final SharingModel sharingModel;
  private final Sharing sharing;
  private final Volumes volumes;
  private final CredentialsStep credentials;

  ServerPagesController(
      Servers servers,
      ServerViews views,
      Builds builds,
      Csrf csrf,
      Principals principals,
      Preferences preferences,
      SharingModel sharingModel,
      Sharing sharing,
      Volumes volumes,
      CredentialsStep credentials,
      LaunchLinks links,
      ConfirmationPage confirmation,
      FrontPage front,
      SharingLinks urls) {
    this.links = links;
    this.confirmation = confirmation;
    this.front = front;
    this.urls = urls;
    this.volumes = volumes;
    this.credentials = credentials;
    this.principals = principals;
    this.sharingModel = sharingModel;
    this.sharing = sharing;
    this.servers = servers;
    this.views = views;
    this.builds = builds;
    this.csrf = csrf;
    this.preferences = preferences;
  }

  /**
   * The launch form, filled in from the query (the way back from a failed launch, say); for people
   * who are not signed in, the front page.
   */
  @Get(value = "/", produces = MediaType.TEXT_HTML)
  @Secured(SecurityRule.IS_ANONYMOUS)
  MutableHttpResponse<?> home(HttpRequest<?> request, @Nullable Authentication authentication) {
    if (authentication == null) {
      return front.page(HttpStatus.OK, null, null);
    }
    Map<String, String> query = new LinkedHashMap<>();
    request.getParameters().forEach((k, v) -> query.put(k, v.isEmpty() ? null : v.get(0)));
    return homePage(
        HttpStatus.OK, CurrentUser.of(authentication), LaunchForm.values(query), null, Map.of());
  }

  @Post(
      value = "/launch",
      consumes = MediaType.APPLICATION_FORM_URLENCODED,
      produces = MediaType.TEXT_HTML)
  MutableHttpResponse<?> launch(
      HttpRequest<?> request, Authentication authentication, @Body Map<String, String> posted) {
    CurrentUser user = csrf.require(authentication, request, posted.get(Csrf.FIELD));
    Map<String, String> form = posted;
    SavedLink saved = null;
    if (posted.get("savedLink") != null) {
      // A full-spec link launches its saved spec, whatever else the form says.
      saved = links.find(posted.get("savedLink"));
      form = fromSaved(saved, posted);
    }
    Map<String, String> errors = new LinkedHashMap<>();
    // After its build, a launch asks for the ref the user gave again (the builder finds the image
    // it has just built), so that the server records that ref and the commit it resolved to.
    ServerSpec.Request spec = LaunchForm.request(asked(form), errors);
    if (saved != null) {
      spec = spec.withMounts(saved.mountSpecs());
    }
    List<MountSpec> mounts = spec.mounts();
    try {
      BinderLinks.checkUrlPath(form.get("urlPath"));
    } catch (SharingException.Invalid e) {
      return homePage(HttpStatus.BAD_REQUEST, user, form, e.getMessage(), errors);
    }
    LaunchForm.checkSource(form, errors);
    String name = form.getOrDefault("name", "").strip();
    servers.problems(name, spec).forEach((s, m) -> errors.putIfAbsent(LaunchForm.field(s), m));
    credentials.refusal(user, form).ifPresent(m -> errors.put("credentials", m));
    String elsewhere = LaunchForm.setElsewhere(form);
    if (!elsewhere.isEmpty() || !errors.isEmpty()) {
      return homePage(
          HttpStatus.BAD_REQUEST,
          user,
          form,
          elsewhere.isEmpty() ? "Nothing was launched: check the fields marked below." : elsewhere,
          errors);
    }
    if (credentials.mustConfirm(user, form)) {
      return credentials.confirmPage(user, name, form);
    }
    // The security confirmation, recomputed here on every launch so that it cannot be skipped: a
    // link followed, writable mounts or collaborators ask first, unless this very confirmation
    // (same permissions) was just accepted or the user said not to ask again for them.
    LaunchLinks.Asked asking =
        confirmation.asked(
            user, asked(form), mounts, saved != null || "link".equals(form.get("from")));
    if (links.check(
            user.username(), asking, form.get("permissions"), "true".equals(form.get("trust")))
        == LaunchLinks.Verdict.CONFIRM) {
      Map<String, String> resend = new LinkedHashMap<>(posted);
      return confirmation.render(
          HttpStatus.CONFLICT,
          user,
          asked(form),
          resend,
          asking,
          null,
          form.get("permissions") == null
              ? null
              : "What this launch may touch has changed since you were asked: read it again.");
    }
    try {
      String repo = form.get("repo");
      if (repo != null && !repo.isBlank() && form.get("built") == null) {
        // Build first, in view: the build page continues the launch when the image is there.
        BuildHandle build = builds.submit(repo, form.get("ref"), user.username());
        if (!build.isDone() || build.result().isCompletedExceptionally()) {
          HttpStatus status = HttpStatus.ACCEPTED;
          if (build.result().isCompletedExceptionally()) {
            status = HttpStatus.UNPROCESSABLE_ENTITY;
          }
          return BuildPagesController.page(
              status, user, builds.view(build.id()), builds.log(build.id()), form, urls);
        }
      }
      credentials.apply(user, principals.of(user), name, form);
      servers.launchInBackground(
          principals.of(user), name, spec, "true".equals(form.get("confirm")));
      return Pages.redirect("/servers/" + name + "/launching" + LaunchForm.query(asked(form)));
    } catch (LaunchException.SpecChanged e) {
      return confirmPage(user, name, form, e);
    } catch (LaunchException e) {
      return refused(ErrorHandlers.Launch.statusOf(e), user, form, LaunchForm.fieldOf(e, form), e);
    } catch (BuildException e) {
      return refused(ErrorHandlers.Build.statusOf(e), user, form, LaunchForm.fieldOf(e), e);
    } catch (VolumeException e) {
      return refused(ErrorHandlers.Volume.statusOf(e), user, form, "mounts", e);
    }
  }

  /** The launch in progress (or its outcome): phases live, then into the server. */
  @Get(value = "/servers/{name}/launching", produces = MediaType.TEXT_HTML)
  MutableHttpResponse<?> launching(
      HttpRequest<?> request, Authentication authentication, @PathVariable String name) {
    CurrentUser user = CurrentUser.of(authentication);
    Map<String, Object> model = Pages.model(user);
    model.put("name", name);
    ServerView server = null;
    try {
      server = views.get(principals.of(user), name);
    } catch (LaunchException.ServerNotFound e) {
      if (!servers.hasLaunched(principals.of(user), name)) {
        throw e; // 404: neither a server nor a launch of that name
      }
      // A failed first launch leaves no server; its events still say why it failed.
    }
    model.put("server", server);
    String state =
        server == null
            ? "Failed"
            : switch (server.state()) {
              case RUNNING -> "Ready";
              case FAILED -> "Failed";
              case STOPPED -> "Stopped";
              case STARTING -> "Launching";
            };
    model.put("heading", state);
    Map<String, String> asked = new LinkedHashMap<>();
    request.getParameters().forEach((k, v) -> asked.put(k, v.isEmpty() ? null : v.get(0)));
    Map<String, String> values = LaunchForm.values(asked);
    if (values.isEmpty()) {
      values = server == null ? Map.of("name", name) : LaunchForm.of(server);
    }
    model.put("backToForm", "/" + LaunchForm.query(values));
    model.put("openHref", openHref(name, asked.get("urlPath")));
    model.put("openWhenReady", preferences.of(user.id()).openWhenReady());
    return Pages.page(HttpStatus.OK, "launching", model);
  }

  @Get(value = "/servers", produces = MediaType.TEXT_HTML)
  MutableHttpResponse<?> list(
      Authentication authentication,
      @Nullable @QueryValue String deleted,
      @Nullable @QueryValue String data,
      @Nullable @QueryValue String stopped,
      @Nullable @QueryValue String joined,
      @Nullable @QueryValue String left) {
    CurrentUser user = CurrentUser.of(authentication);
    Principal principal = principals.of(user);
    Map<String, Object> model = Pages.model(user);
    model.put("servers", views.list(principal).stream().map(ServerRow::of).toList());
    model.put(
        "shared",
        sharing.sharedWith(principal).stream()
            .map(
                s ->
                    Map.of(
                        "owner", s.owner().value(),
                        "name", s.name().value(),
                        "state", s.state().name().toLowerCase(),
                        "running", s.is(org.berth.launch.ServerState.RUNNING)))
            .toList());
    // Names come back from our own redirects; anything else in the address is not repeated.
    deleted = ServerRow.nameOrNull(deleted);
    stopped = ServerRow.nameOrNull(stopped);
    joined = ServerRow.referenceOrNull(joined);
    left = ServerRow.referenceOrNull(left);
    if (joined != null) {
      model.put("notice", "You joined " + joined + ": it is listed under Shared with me.");
    } else if (left != null) {
      model.put("notice", "You left " + left + ".");
    } else if (deleted != null) {
      model.put(
          "notice",
          "deleted".equals(data)
              ? "Deleted " + deleted + " and its data."
              : "Deleted "
                  + deleted
                  + ". Its files are kept in your home; a new server finds them.");
    } else if (stopped != null) {
      model.put("notice", "Stopped " + stopped + ". Its files are kept; Start runs it again.");
    }
    return Pages.page(HttpStatus.OK, "servers", model);
  }

  /** One server: where it came from (with its build), its settings, and what can be done. */
  @Get(value = "/servers/{name}", produces = MediaType.TEXT_HTML)
  MutableHttpResponse<?> server(
      Authentication authentication,
      @PathVariable String name,
      @Nullable @QueryValue String stopped,
      @Nullable @QueryValue String shared,
      @Nullable @QueryValue String who,
      @Nullable @QueryValue String link) {
    CurrentUser user = CurrentUser.of(authentication);
    Principal owner = principals.of(user);
    ServerView view = views.get(owner, checked(name));
    Map<String, Object> model = Pages.model(user);
    model.put(
        "server",
        ServerRow.of(view, builds.builtFrom(view.repo(), view.ref(), view.commit()).orElse(null)));
    sharingModel.fill(model, owner, name);
    String openPath = servers.find(owner, name).map(s -> s.spec().openPath()).orElse("");
    model.put("share", LinkShare.ofRepo(urls, view.repo(), view.ref(), view.commit(), openPath));
    if (link != null) {
      // Only a link of this user's own: a made-up id in the address shows nothing.
      try {
        SavedLink saved = links.find(link);
        if (saved.creator().equals(user.username())) {
          model.put("savedLink", urls.saved(saved.id()));
        }
      } catch (SharingException.NotFound e) {
        // nothing to show
      }
    }
    if (stopped != null) {
      model.put("notice", "Stopped. Its files are kept; Start runs it again.");
    } else if (SharingModel.notice(shared, who) != null) {
      model.put("notice", SharingModel.notice(shared, who));
    }
    return Pages.page(HttpStatus.OK, "server", model);
  }

  /**
   * Into the server through a one-time hand-off; at {@code urlpath} (a path under the server's base
   * URL, as a launch link gives it) when there is one, else at the server's path to open.
   */
  @Get(value = "/servers/{name}/open", produces = MediaType.TEXT_HTML)
  MutableHttpResponse<?> open(
      Authentication authentication,
      @PathVariable String name,
      @Nullable @QueryValue String urlpath) {
    String checkedPath = BinderLinks.checkUrlPath(urlpath);
    return Pages.redirect(
        views.openLink(principals.of(CurrentUser.of(authentication)), checked(name), checkedPath));
  }

  /** The Open link of a server, at a launch link's path when it has one. */
  static String openHref(String name, String urlPath) {
    String base = "/servers/" + name + "/open";
    if (urlPath == null || urlPath.isBlank()) {
      return base;
    }
    return base + "?urlpath=" + java.net.URLEncoder.encode(urlPath, StandardCharsets.UTF_8);
  }

  /**
   * The form a full-spec link launches: its saved values over whatever was posted, except the built
   * commit a launch continued from its build page carries.
   */
  static Map<String, String> fromSaved(SavedLink saved, Map<String, String> posted) {
    Map<String, String> form = new LinkedHashMap<>();
    posted.forEach(
        (k, v) -> {
          if (List.of(Csrf.FIELD, "built", "permissions", "trust", "savedLink", "from")
              .contains(k)) {
            form.put(k, v);
          }
        });
    form.put("repo", saved.repo());
    if (posted.get("built") != null && posted.get("ref") != null) {
      form.put("ref", posted.get("ref"));
      form.put("askedRef", saved.ref());
    } else {
      form.put("ref", saved.ref());
    }
    form.put("name", saved.serverName());
    putIfSet(form, "path", saved.path());
    putIfSet(form, "memory", saved.memory());
    putIfSet(form, "cpus", saved.cpus() == null ? null : ServerRow.number(saved.cpus()));
    putIfSet(form, "idleTimeout", saved.idleTimeout());
    // Its mounts as the form's rows, so that Edit shows them (the launch itself takes the saved
    // mounts, whatever the rows say).
    for (int row = 0; row < Math.min(saved.mounts().size(), LaunchForm.MOUNT_ROWS); row++) {
      SavedLink.MountLine m = saved.mounts().get(row);
      form.put("mount-target-" + row, m.target());
      form.put("mount-volume-" + row, m.volume());
      form.put("mount-mode-" + row, m.readOnly() ? "ro" : "rw");
      putIfSet(form, "mount-subPath-" + row, m.subPath());
    }
    return form;
  }

  private static void putIfSet(Map<String, String> form, String key, String value) {
    if (value != null && !value.isBlank()) {
      form.put(key, value);
    }
  }

  /** Starts a stopped or failed server again with its saved settings. */
  @Post(
      value = "/servers/{name}/start",
      consumes = MediaType.APPLICATION_FORM_URLENCODED,
      produces = MediaType.TEXT_HTML)
  MutableHttpResponse<?> start(
      HttpRequest<?> request,
      Authentication authentication,
      @PathVariable String name,
      @Body Map<String, String> form) {
    CurrentUser user = csrf.require(authentication, request, form.get(Csrf.FIELD));
    servers.startInBackground(principals.of(user), checked(name));
    return Pages.redirect("/servers/" + name + "/launching");
  }

  @Post(
      value = "/servers/{name}/stop",
      consumes = MediaType.APPLICATION_FORM_URLENCODED,
      produces = MediaType.TEXT_HTML)
  MutableHttpResponse<?> stop(
      HttpRequest<?> request,
      Authentication authentication,
      @PathVariable String name,
      @Body Map<String, String> form) {
    CurrentUser user = csrf.require(authentication, request, form.get(Csrf.FIELD));
    servers.stop(principals.of(user), checked(name));
    return Pages.redirect(
        "server".equals(form.get("back"))
            ? "/servers/" + name + "?stopped=1"
            : "/servers?stopped=" + name);
  }

  /** Asks before deleting, naming what goes with the server. */
  @Get(value = "/servers/{name}/delete", produces = MediaType.TEXT_HTML)
  MutableHttpResponse<?> confirmDelete(Authentication authentication, @PathVariable String name) {
    CurrentUser user = CurrentUser.of(authentication);
    Map<String, Object> model = Pages.model(user);
    model.put("server", ServerRow.of(views.get(principals.of(user), checked(name))));
    model.put("dataLost", servers.dataLostOnDelete(principals.of(user), name));
    return Pages.page(HttpStatus.OK, "delete", model);
  }

  /** Deletes the server; its data goes too only when the form says {@code deleteData=true}. */
  @Post(
      value = "/servers/{name}/delete",
      consumes = MediaType.APPLICATION_FORM_URLENCODED,
      produces = MediaType.TEXT_HTML)
  MutableHttpResponse<?> delete(
      HttpRequest<?> request,
      Authentication authentication,
      @PathVariable String name,
      @Body Map<String, String> form) {
    CurrentUser user = csrf.require(authentication, request, form.get(Csrf.FIELD));
    boolean deleteData = "true".equals(form.get("deleteData"));
    servers.delete(principals.of(user), checked(name), deleteData);
    return Pages.redirect("/servers?deleted=" + name + (deleteData ? "&data=deleted" : ""));
  }

  private MutableHttpResponse<?> confirmPage(
      CurrentUser user, String name, Map<String, String> form, LaunchException.SpecChanged e) {
    Map<String, Object> model = Pages.model(user);
    Map<String, String> resend = new LinkedHashMap<>(form);
    resend.remove(Csrf.FIELD);
    resend.remove("confirm");
    model.put("form", resend);
    model.put("changes", e.changes());
    model.put("newContainer", e.newContainer());
    model.put("name", name);
    model.put(
        "running",
        servers.find(principals.of(user), name).map(s -> s.is(ServerState.RUNNING)).orElse(false));
    return Pages.page(HttpStatus.CONFLICT, "confirm", model);
  }

  private MutableHttpResponse<?> refused(
      HttpStatus status, CurrentUser user, Map<String, String> form, String field, Exception e) {
    if (field == null) {
      return homePage(status, user, form, e.getMessage(), Map.of());
    }
    return homePage(
        status,
        user,
        form,
        "Nothing was launched: check the fields marked below.",
        Map.of(field, e.getMessage()));
  }

  private MutableHttpResponse<?> homePage(
      HttpStatus status,
      CurrentUser user,
      Map<String, String> form,
      String error,
      Map<String, String> errors) {
    Map<String, Object> model = Pages.model(user);
    model.put("form", LaunchForm.values(form));
    model.put("error", error);
    model.put("errors", errors);
    model.put("defaultImage", servers.settings().defaultImage());
    List<String> choices = new java.util.ArrayList<>(List.of("home"));
    volumes.list(principals.of(user)).stream()
        .map(
            v ->
                v.volume().isOwner(principals.of(user))
                    ? v.volume().name()
                    : v.volume().reference())
        .filter(ref -> !ref.equals("home"))
        .forEach(choices::add);
    model.put("volumeChoices", choices);
    model.put(
        "mountRows", java.util.stream.IntStream.range(0, LaunchForm.MOUNT_ROWS).boxed().toList());
    String image = form.get("image");
    model.put("advancedOpen", errors.containsKey("image") || (image != null && !image.isBlank()));
    return Pages.page(status, "home", model);
  }

  /**
   * The form as the user filled it in: a launch continued from its build page carries the built
   * commit as its ref, and the ref the user asked for in {@code askedRef}.
   */
  private static Map<String, String> asked(Map<String, String> form) {
    Map<String, String> asked = new LinkedHashMap<>(form);
    if (form.get("askedRef") != null) {
      asked.put("ref", form.get("askedRef"));
    }
    return asked;
  }

  /** The name from a URL, checked before it goes anywhere (a 400 page says what is wrong). */
  private static String checked(String name) {
    return new ServerName(name).value();
  }
}
