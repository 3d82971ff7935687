package org.berth.portal.web;

import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.berth.builder.BuildException;
import org.berth.builder.ResolvedSource;
import org.berth.launch.MountSpec;
import org.berth.launch.Principal;
import org.berth.portal.account.Principals;
import org.berth.portal.auth.CurrentUser;
import org.berth.portal.builds.Builds;
import org.berth.portal.sharing.SharingLinks;
import org.berth.sharing.BinderLinks;
import org.berth.sharing.Confirmation;
import org.berth.sharing.LaunchLinks;
import org.berth.sharing.PublicAccess;
import org.berth.sharing.Sharing;
import org.berth.sharing.SharingException;

/**
 * The security confirmation as a page: what will run (repository, ref, the commit it resolves to
 * now, the image), what it can touch, who else has access, and what a malicious repository could
 * do, with Launch (a POST carrying the page's CSRF token and the permissions hash), Edit and
 * Cancel. The decision whether to ask is {@link LaunchLinks}'; this only gathers and shows.
 */
@Singleton
class ConfirmationPage {

  private final Builds builds;
  private final Sharing sharing;
  private final LaunchLinks links;
  private final SharingLinks urls;
  private final Principals principals;

  ConfirmationPage(
      Builds builds, Sharing sharing, LaunchLinks links, SharingLinks urls, Principals principals) {
    this.builds = builds;
    this.sharing = sharing;
    this.links = links;
    this.urls = urls;
    this.principals = principals;
  }

  /**
   * What a launch asks for: the form's repository and ref, the mounts, and who else reaches the
   * server of that name already (its collaborators and public access, when it exists).
   */
  LaunchLinks.Asked asked(
      CurrentUser user, Map<String, String> form, List<MountSpec> mounts, boolean fromLink) {
    Principal p = principals.of(user);
    String name = form.getOrDefault("name", "");
    List<String> collaborators = new ArrayList<>();
    boolean publicAccess = false;
    try {
      sharing.collaborators(p, name).forEach(g -> collaborators.add(g.toString()));
      publicAccess = sharing.publicAccess(p, name).map(PublicAccess::enabled).orElse(false);
    } catch (SharingException.NotFound noServerYet) {
      // A new server: nobody else has access to it yet.
    }
    return new LaunchLinks.Asked(
        fromLink,
        form.get("repo"),
        form.get("ref"),
        mounts,
        "true".equals(form.get("credentials")),
        "true".equals(form.get("credentialsConfirmed")),
        collaborators,
        publicAccess);
  }

  /**
   * The page. {@code shown} holds the launch's values (for the facts and for Edit); {@code posted}
   * the fields Launch sends back (a full-spec link sends only its id: the spec is read again from
   * the store); {@code link} the launch link followed, if any.
   */
  MutableHttpResponse<?> render(
      HttpStatus status,
      CurrentUser user,
      Map<String, String> shown,
      Map<String, String> posted,
      LaunchLinks.Asked asked,
      BinderLinks.Link link,
      String notice) {
    Confirmation c = asked.confirmation();
    Map<String, Object> model = Pages.model(user);
    String repo = shown.get("repo");
    String ref = shown.getOrDefault("ref", "HEAD");
    model.put("repo", repo);
    model.put("ref", ref);
    model.put("name", shown.get("name"));
    String open = shown.get("urlPath");
    if (open == null || open.isBlank()) {
      String path = shown.get("path");
      open = path == null || path.isBlank() ? null : "tree/" + path;
    }
    model.put("open", open);
    String commit = null;
    try {
      ResolvedSource resolved = builds.resolve(repo, ref);
      commit = resolved.commit();
      model.put("commit", commit);
      model.put("image", builds.imageFor(resolved));
      model.put("builtBefore", builds.builtFrom(repo, ref, commit).isPresent());
    } catch (BuildException e) {
      model.put("resolveError", e.getMessage());
    }
    model.put("c", c);
    model.put("fromLink", asked.fromLink());
    model.put("trusted", links.trusted(user.username(), asked));
    model.put("notice", notice);
    Map<String, String> hidden = new LinkedHashMap<>(posted);
    hidden.remove("_csrf");
    hidden.remove("permissions");
    hidden.remove("trust");
    hidden.remove("confirm");
    model.put("hidden", hidden);
    model.put("permissions", c.permissionsHash());
    model.put("editHref", "/" + LaunchForm.query(shown));
    model.put("mountsOffForm", asked.mounts().size() > LaunchForm.MOUNT_ROWS);
    model.put("formRows", LaunchForm.MOUNT_ROWS);
    LinkShare share =
        link != null
            ? LinkShare.of(urls, link, commit)
            : LinkShare.ofRepo(urls, repo, ref, commit, shown.get("path"));
    model.put("share", share);
    return Pages.page(status, "launch-confirm", model);
  }
}
