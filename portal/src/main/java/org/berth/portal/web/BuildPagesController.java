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
import java.util.List;
import java.util.Map;
import org.berth.portal.auth.Csrf;
import org.berth.portal.auth.CurrentUser;
import org.berth.portal.builds.BuildView;
import org.berth.portal.builds.Builds;
import org.berth.portal.sharing.SharingLinks;

/**
 * A build's page: its phases and log, live while it runs (through the build's event stream), and
 * kept after it ends. While a launch waits for its build, the page carries the launch form and
 * sends it again once the image is there.
 */
@Hidden
@Controller
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
class BuildPagesController {

  private final Builds builds;
  private final Csrf csrf;
  private final SharingLinks urls;

  BuildPagesController(Builds builds, Csrf csrf, SharingLinks urls) {
    this.builds = builds;
    this.csrf = csrf;
    this.urls = urls;
  }

  @Get(value = "/builds/{id}", produces = MediaType.TEXT_HTML)
  MutableHttpResponse<?> build(Authentication authentication, @PathVariable String id) {
    return page(
        HttpStatus.OK, CurrentUser.of(authentication), builds.view(id), builds.log(id), null, urls);
  }

  @Post(
      value = "/builds/{id}/cancel",
      consumes = MediaType.APPLICATION_FORM_URLENCODED,
      produces = MediaType.TEXT_HTML)
  MutableHttpResponse<?> cancel(
      HttpRequest<?> request,
      Authentication authentication,
      @PathVariable String id,
      @Body Map<String, String> form) {
    builds.cancel(id, csrf.require(authentication, request, form.get(Csrf.FIELD)).username());
    return Pages.redirect("/builds/" + id);
  }

  /**
   * The build page; with {@code launchForm}, the launch waiting for this build (sent again, pinned
   * to the build's commit, when the build succeeds).
   */
  static MutableHttpResponse<?> page(
      HttpStatus status,
      CurrentUser user,
      BuildView build,
      List<String> log,
      Map<String, String> launchForm,
      SharingLinks urls) {
    Map<String, Object> model = Pages.model(user);
    model.put("build", build);
    model.put("share", LinkShare.ofRepo(urls, build.repo(), build.ref(), build.commit(), ""));
    model.put("log", String.join("\n", log));
    model.put("running", "running".equals(build.status()) || "queued".equals(build.status()));
    if (launchForm != null) {
      model.put("backToForm", LaunchForm.query(launchForm));
      Map<String, String> form = new java.util.LinkedHashMap<>(launchForm);
      form.remove("_csrf");
      // The launch runs the commit that was built; the form keeps the ref the user asked for.
      form.putIfAbsent("askedRef", launchForm.getOrDefault("ref", ""));
      form.put("ref", build.commit());
      form.put("built", build.id());
      model.put("launchForm", form);
    }
    return Pages.page(status, "build", model);
  }
}
