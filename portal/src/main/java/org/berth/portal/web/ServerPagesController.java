package org.berth.portal.web;

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
import java.util.HashMap;
import java.util.Map;
import org.berth.builder.BuildException;
import org.berth.builder.BuildHandle;
import org.berth.launch.LaunchException;
import org.berth.launch.ServerSpec;
import org.berth.launch.Servers;
import org.berth.portal.account.Principals;
import org.berth.portal.auth.Csrf;
import org.berth.portal.auth.CurrentUser;
import org.berth.portal.builds.Builds;
import org.berth.portal.servers.ServerViews;

/** The launch form's target and the "my servers" page with its actions. */
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

  ServerPagesController(
      Servers servers, ServerViews views, Builds builds, Csrf csrf, Principals principals) {
    this.principals = principals;
    this.servers = servers;
    this.views = views;
    this.builds = builds;
    this.csrf = csrf;
  }

  @Get(value = "/", produces = MediaType.TEXT_HTML)
  MutableHttpResponse<?> home(Authentication authentication) {
    return homePage(HttpStatus.OK, CurrentUser.of(authentication), new HashMap<>(), null);
  }

  @Post(value = "/launch", consumes = MediaType.APPLICATION_FORM_URLENCODED)
  MutableHttpResponse<?> launch(
      HttpRequest<?> request, Authentication authentication, @Body Map<String, String> form) {
    CurrentUser user = csrf.require(authentication, request, form.get(Csrf.FIELD));
    ServerSpec.Request spec =
        new ServerSpec.Request(
            form.get("image"),
            form.get("repo"),
            form.get("ref"),
            form.get("memory"),
            cpus(form.get("cpus")),
            form.get("idleTimeout"),
            form.get("path"),
            "true".equals(form.get("cullingDisabled")));
    String name = form.getOrDefault("name", "");
    try {
      servers.precheck(name, spec);
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
              status, user, builds.view(build.id()), builds.log(build.id()), form);
        }
      }
      servers.launchInBackground(
          principals.of(user), name, spec, "true".equals(form.get("confirm")));
      return Pages.redirect("/servers/" + name + "/launching");
    } catch (LaunchException.SpecChanged e) {
      Map<String, Object> model = Pages.model(user);
      model.put("form", form);
      model.put("changes", e.changes());
      model.put("name", form.get("name"));
      return Pages.page(HttpStatus.CONFLICT, "confirm", model);
    } catch (LaunchException e) {
      return homePage(ErrorHandlers.Launch.statusOf(e), user, form, e.getMessage());
    } catch (BuildException e) {
      return homePage(ErrorHandlers.Build.statusOf(e), user, form, e.getMessage());
    }
  }

  /** The launch in progress (or its outcome): phases live, then a link to open the server. */
  @Get(value = "/servers/{name}/launching", produces = MediaType.TEXT_HTML)
  MutableHttpResponse<?> launching(Authentication authentication, @PathVariable String name) {
    CurrentUser user = CurrentUser.of(authentication);
    Map<String, Object> model = Pages.model(user);
    model.put("name", name);
    try {
      model.put("server", views.get(principals.of(user), name));
    } catch (LaunchException.ServerNotFound e) {
      if (!servers.hasLaunched(principals.of(user), name)) {
        throw e; // 404: neither a server nor a launch of that name
      }
      // A failed first launch leaves no server; its events still say why it failed.
      model.put("server", null);
    }
    return Pages.page(HttpStatus.OK, "launching", model);
  }

  @Get(value = "/servers", produces = MediaType.TEXT_HTML)
  MutableHttpResponse<?> list(Authentication authentication) {
    CurrentUser user = CurrentUser.of(authentication);
    Map<String, Object> model = Pages.model(user);
    model.put("servers", views.list(principals.of(user)));
    return Pages.page(HttpStatus.OK, "servers", model);
  }

  @Get("/servers/{name}/open")
  MutableHttpResponse<?> open(Authentication authentication, @PathVariable String name) {
    return Pages.redirect(views.openLink(principals.of(CurrentUser.of(authentication)), name));
  }

  @Post(value = "/servers/{name}/stop", consumes = MediaType.APPLICATION_FORM_URLENCODED)
  MutableHttpResponse<?> stop(
      HttpRequest<?> request,
      Authentication authentication,
      @PathVariable String name,
      @Body Map<String, String> form) {
    servers.stop(principals.of(csrf.require(authentication, request, form.get(Csrf.FIELD))), name);
    return Pages.redirect("/servers");
  }

  @Post(value = "/servers/{name}/delete", consumes = MediaType.APPLICATION_FORM_URLENCODED)
  MutableHttpResponse<?> delete(
      HttpRequest<?> request,
      Authentication authentication,
      @PathVariable String name,
      @Body Map<String, String> form) {
    servers.delete(
        principals.of(csrf.require(authentication, request, form.get(Csrf.FIELD))),
        name,
        "true".equals(form.get("deleteData")));
    return Pages.redirect("/servers");
  }

  private MutableHttpResponse<?> homePage(
      HttpStatus status, CurrentUser user, Map<String, String> form, String error) {
    Map<String, Object> model = Pages.model(user);
    model.put("form", form);
    model.put("error", error);
    model.put("defaultImage", servers.settings().defaultImage());
    return Pages.page(status, "home", model);
  }

  private static Double cpus(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return Double.parseDouble(text.strip());
    } catch (NumberFormatException e) {
      throw new LaunchException.LimitExceeded("CPUs '" + text + "' is not a number.");
    }
  }
}
