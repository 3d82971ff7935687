package org.berth.portal.web;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
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
import java.util.LinkedHashMap;
import java.util.Map;
import org.berth.builder.BuildException;
import org.berth.launch.Server;
import org.berth.launch.ServerSpec;
import org.berth.launch.Servers;
import org.berth.portal.account.Principals;
import org.berth.portal.auth.Csrf;
import org.berth.portal.auth.CurrentUser;
import org.berth.portal.builds.Builds;
import org.berth.portal.sharing.SharingLinks;
import org.berth.sharing.Badges;
import org.berth.sharing.BinderLinks;
import org.berth.sharing.LaunchLinks;
import org.berth.sharing.SavedLink;
import org.berth.sharing.SharingException;

/**
 * Launch links as pages: Binder-compatible links ({@code /v2/gh|gl|git|gist/...}) and full-spec
 * links ({@code /launch/<id>}) show the security confirmation, never start anything (a launch is
 * the confirmation's POST to {@code /launch}); the badge; the link generator; and the front page's
 * box, which only turns what was pasted into a link.
 */
@Hidden
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
class LinkPagesController {

  private final ConfirmationPage confirmation;
  private final LaunchLinks links;
  private final SharingLinks urls;
  private final Builds builds;
  private final Servers servers;
  private final Principals principals;
  private final Csrf csrf;
  private final FrontPage front;

  LinkPagesController(
      ConfirmationPage confirmation,
      LaunchLinks links,
      SharingLinks urls,
      Builds builds,
      Servers servers,
      Principals principals,
      Csrf csrf,
      FrontPage front) {
    this.confirmation = confirmation;
    this.links = links;
    this.urls = urls;
    this.builds = builds;
    this.servers = servers;
    this.principals = principals;
    this.csrf = csrf;
    this.front = front;
  }

  /**
   * A Binder link, read from the path as the browser sent it (still escaped, so that an escaped
   * slash in a GitLab project or a git URL stays part of it).
   */
  @Get(value = "/v2/{+path}", produces = MediaType.TEXT_HTML)
  @Secured(SecurityRule.IS_AUTHENTICATED)
  MutableHttpResponse<?> binderLink(
      HttpRequest<?> request, Authentication authentication, @PathVariable String path) {
    // The decoded path variable loses escaped slashes; the raw path keeps them.
    CurrentUser user = CurrentUser.of(authentication);
    String raw = request.getUri().getRawPath().substring("/v2/".length());
    BinderLinks.Link link = BinderLinks.parse(raw, firstValues(request));
    Map<String, String> form = new LinkedHashMap<>();
    form.put("repo", link.repo());
    form.put("ref", link.ref());
    form.put("name", link.serverName().value());
    if (!link.urlPath().isEmpty()) {
      form.put("urlPath", link.urlPath());
    }
    form.put("from", "link");
    return confirmation.render(
        HttpStatus.OK,
        user,
        form,
        form,
        confirmation.asked(user, form, java.util.List.of(), true),
        link,
        null);
  }

  /**
   * A full-spec link: the confirmation of exactly the saved spec. Nothing in the URL but the id is
   * read; an id that is not a saved link's is a 404 page.
   */
  @Get(value = "/launch/{id}", produces = MediaType.TEXT_HTML)
  @Secured(SecurityRule.IS_AUTHENTICATED)
  MutableHttpResponse<?> savedLink(Authentication authentication, @PathVariable String id) {
    CurrentUser user = CurrentUser.of(authentication);
    SavedLink saved = links.find(id);
    Map<String, String> shown = ServerPagesController.fromSaved(saved, Map.of());
    Map<String, String> posted = new LinkedHashMap<>();
    posted.put("savedLink", saved.id());
    posted.put("from", "link");
    return confirmation.render(
        HttpStatus.OK,
        user,
        shown,
        posted,
        confirmation.asked(user, shown, saved.mountSpecs(), true),
        null,
        null);
  }

  /**
   * Saves one of the caller's servers as a full-spec link (its repository, ref, name, resources,
   * path to open and mounts) and shows the link on the server's page.
   */
  @Post(
      value = "/servers/{name}/link",
      consumes = MediaType.APPLICATION_FORM_URLENCODED,
      produces = MediaType.TEXT_HTML)
  @Secured(SecurityRule.IS_AUTHENTICATED)
  MutableHttpResponse<?> saveServerLink(
      HttpRequest<?> request,
      Authentication authentication,
      @PathVariable String name,
      @Body Map<String, String> form) {
    CurrentUser user = csrf.require(authentication, request, form.get(Csrf.FIELD));
    Server server = servers.get(principals.of(user), name);
    SavedLink saved = links.save(user.username(), draftOf(server));
    return Pages.redirect("/servers/" + server.name().value() + "?link=" + saved.id());
  }

  /** The draft of a full-spec link that launches {@code server} as it is. */
  static LaunchLinks.Draft draftOf(Server server) {
    ServerSpec spec = server.spec();
    if (spec.source().isNone()) {
      throw new SharingException.Invalid(
          server.name()
              + " was launched from an image, not a repository: a launch link names a"
              + " repository.");
    }
    return new LaunchLinks.Draft(
        spec.source().repo(),
        spec.source().ref(),
        server.name().value(),
        (spec.resources().memoryBytes() >> 20) + "M",
        spec.resources().cpus(),
        ServerSpec.words(spec.resources().idleTimeout()),
        spec.openPath(),
        spec.mounts());
  }

  /** The badge, at mybinder.org's path (so existing badge markup works by changing the host). */
  @Get(value = "/badge_logo.svg")
  @Secured(SecurityRule.IS_ANONYMOUS)
  HttpResponse<String> badgeLogo() {
    return badge();
  }

  @Get(value = "/badge.svg")
  @Secured(SecurityRule.IS_ANONYMOUS)
  HttpResponse<String> badge() {
    return HttpResponse.ok(Badges.svg())
        .contentType("image/svg+xml")
        .header("Cache-Control", "public, max-age=86400");
  }

  /**
   * The link generator: paste a repository or a Binder link (and a file to open), get Berth's link,
   * the permanent link (pinned to the commit the ref resolves to now; for signed-in users) and the
   * badge snippets.
   */
  @Get(value = "/links", produces = MediaType.TEXT_HTML)
  @Secured(SecurityRule.IS_ANONYMOUS)
  MutableHttpResponse<?> generator(
      HttpRequest<?> request,
      @Nullable @QueryValue String link,
      @Nullable @QueryValue String open) {
    CurrentUser user = Pages.userOf(request);
    Map<String, Object> model = Pages.model(user);
    model.put("pasted", link);
    model.put("openValue", open);
    if (link == null || link.isBlank()) {
      return Pages.page(HttpStatus.OK, "links", model);
    }
    BinderLinks.Link read;
    try {
      read = BinderLinks.fromPasted(link);
      if (open != null && !open.isBlank()) {
        String file = BinderLinks.checkUrlPath(open);
        read = new BinderLinks.Link(read.provider(), read.repo(), read.ref(), "tree/" + file);
      }
    } catch (SharingException.Invalid e) {
      model.put("error", e.getMessage());
      return Pages.page(HttpStatus.BAD_REQUEST, "links", model);
    }
    String commit = null;
    if (user != null) {
      try {
        commit = builds.resolve(read.repo(), read.ref()).commit();
      } catch (BuildException e) {
        model.put("resolveError", e.getMessage());
      }
    }
    model.put("link", read);
    model.put("commit", commit);
    model.put("share", LinkShare.of(urls, read, commit));
    return Pages.page(HttpStatus.OK, "links", model);
  }

  /**
   * The front page's box: what was pasted, as Berth's link (which asks to sign in first, then shows
   * its confirmation). Only a redirect within Berth; nothing starts.
   */
  @Get(value = "/go", produces = MediaType.TEXT_HTML)
  @Secured(SecurityRule.IS_ANONYMOUS)
  MutableHttpResponse<?> go(HttpRequest<?> request, @Nullable @QueryValue String link) {
    try {
      return Pages.redirect(BinderLinks.fromPasted(link).href());
    } catch (SharingException.Invalid e) {
      CurrentUser user = Pages.userOf(request);
      if (user != null) {
        Map<String, Object> model = Pages.model(user);
        model.put("pasted", link);
        model.put("error", e.getMessage());
        return Pages.page(HttpStatus.BAD_REQUEST, "links", model);
      }
      return front.page(HttpStatus.BAD_REQUEST, link, e.getMessage());
    }
  }

  private static Map<String, String> firstValues(HttpRequest<?> request) {
    Map<String, String> query = new LinkedHashMap<>();
    request.getParameters().forEach((k, v) -> query.put(k, v.isEmpty() ? "" : v.get(0)));
    return query;
  }
}
