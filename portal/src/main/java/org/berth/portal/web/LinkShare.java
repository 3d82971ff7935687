package org.berth.portal.web;

import org.berth.builder.BuildException;
import org.berth.builder.SourceSpec;
import org.berth.portal.sharing.SharingLinks;
import org.berth.sharing.Badges;
import org.berth.sharing.BinderLinks;
import org.berth.sharing.SharingException;

/**
 * A launch as people share it: Berth's link, the permanent link pinned to a commit (null when the
 * commit is not known), and the badge snippets for the link, ready to copy.
 */
record LinkShare(
    String link, String permanent, String badge, String markdown, String rst, String html) {

  static LinkShare of(SharingLinks urls, BinderLinks.Link link, String commit) {
    String href = urls.launch(link);
    Badges.Snippets s = Badges.snippets(href, urls.badge());
    return new LinkShare(
        href,
        commit == null || commit.isBlank() ? null : urls.permanent(link, commit),
        urls.badge(),
        s.markdown(),
        s.restructuredText(),
        s.html());
  }

  /**
   * The share of a repository as a launch gives it (a URL, or a Binder-style spec such as {@code
   * gh/owner/repo/ref}) at a ref, opening {@code openPath} (a file or folder, empty for the
   * server's default page); null when it cannot be linked.
   */
  static LinkShare ofRepo(
      SharingLinks urls, String repo, String ref, String commit, String openPath) {
    if (repo == null || repo.isBlank()) {
      return null;
    }
    try {
      SourceSpec source = SourceSpec.parse(repo, ref);
      String urlPath = openPath == null || openPath.isBlank() ? "" : "tree/" + openPath;
      return of(urls, BinderLinks.forRepo(source.repoUrl(), source.ref(), urlPath), commit);
    } catch (BuildException | SharingException e) {
      return null; // not a source a link can name
    }
  }
}
