package org.berth.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A corpus of link shapes as mybinder.org users write them. */
class BinderLinksTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "gh/binder-examples/requirements/HEAD|https://github.com/binder-examples/requirements|HEAD",
        "gh/binder-examples/requirements/main/|https://github.com/binder-examples/requirements|main",
        "gh/owner/repo.git/v1.0|https://github.com/owner/repo|v1.0",
        "gh/owner/repo/feature/with/slashes|https://github.com/owner/repo|feature/with/slashes",
        "gh/owner/repo/feature%2Fescaped|https://github.com/owner/repo|feature/escaped",
        "gh/owner/repo/a%20tag%20with%20spaces|https://github.com/owner/repo|a tag with spaces",
        "gh/owner/repo|https://github.com/owner/repo|HEAD",
        "gl/group%2Fsubgroup%2Fproject/main|https://gitlab.com/group/subgroup/project|main",
        "gl/group%2Fproject/v2/|https://gitlab.com/group/project|v2",
        "git/https%3A%2F%2Fcodeberg.org%2Fowner%2Frepo.git/main|https://codeberg.org/owner/repo.git|main",
        "git/git%3A%2F%2F127.0.0.1%3A9418%2Flab/0123456789abcdef0123456789abcdef01234567|git://127.0.0.1:9418/lab|0123456789abcdef0123456789abcdef01234567",
        "gist/someone/8d4c1a/|https://gist.github.com/someone/8d4c1a.git|HEAD",
        "gist/someone/8d4c1a/abc123|https://gist.github.com/someone/8d4c1a.git|abc123",
      })
  void readsTheRepositoryAndRef(String path, String repo, String ref) {
    BinderLinks.Link link = BinderLinks.parse(path, Map.of());
    assertEquals(repo, link.repo());
    assertEquals(ref, link.ref());
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "urlpath|lab|lab",
        "urlpath|/tree/notebooks|tree/notebooks",
        "urlpath|voila/render/index.ipynb|voila/render/index.ipynb",
        "labpath|notebooks/a b.ipynb|tree/notebooks/a b.ipynb",
        "filepath|index.ipynb|tree/index.ipynb",
        "filepath|/index.ipynb|tree/index.ipynb",
      })
  void mapsThePathToOpenAsBinderHubDoes(String name, String value, String open) {
    assertEquals(open, BinderLinks.parse("gh/o/r/main", Map.of(name, value)).urlPath());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "gh/owner/repo/main|gh/owner/repo/0123abc",
        "gl/group%2Fproject/main|gl/group%2Fproject/0123abc",
        "git/https%3A%2F%2Fh.org%2Fr.git/main|git/https%3A%2F%2Fh.org%2Fr.git/0123abc",
        "gist/someone/8d4c1a|gist/someone/8d4c1a/0123abc",
      })
  void aLinkPinnedToItsCommitIsItsPermanentLink(String path, String pinned) {
    assertEquals(pinned, BinderLinks.parse(path, Map.of()).pinnedPath("0123abc"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {"''", "gh", "gh/only-owner", "bb/owner/repo/main", "gist/x"})
  void aBrokenLinkIsRefusedByName(String path) {
    assertThrows(SharingException.Invalid.class, () -> BinderLinks.parse(path, Map.of()));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "https://mybinder.org/v2/gh/owner/repo/main?urlpath=lab|gh|https://github.com/owner/repo|main|lab",
        "https://mybinder.org/v2/gh/owner/repo/HEAD?labpath=notebooks%2Fa%20b.ipynb|gh|https://github.com/owner/repo|HEAD|tree/notebooks/a b.ipynb",
        "http://127.0.0.1:8080/v2/git/http%3A%2F%2F127.0.0.1%3A9%2Fx.git/main/?filepath=i.ipynb#top|git|http://127.0.0.1:9/x.git|main|tree/i.ipynb",
        "/v2/gl/group%2Fproject/v2|gl|https://gitlab.com/group/project|v2|''",
        "gh/owner/repo/dev|gh|https://github.com/owner/repo|dev|''",
        "https://github.com/owner/repo|gh|https://github.com/owner/repo|HEAD|''",
        "https://github.com/owner/repo.git|gh|https://github.com/owner/repo|HEAD|''",
        "https://github.com/owner/repo/tree/feature/x|gh|https://github.com/owner/repo|feature/x|''",
        "https://gitlab.com/group/sub/project.git|gl|https://gitlab.com/group/sub/project|HEAD|''",
        "https://gist.github.com/someone/8d4c1a|gist|https://gist.github.com/someone/8d4c1a.git|HEAD|''",
        "  http://127.0.0.1:9418/lab.git  |git|http://127.0.0.1:9418/lab.git|HEAD|''",
        "git@example.org:team/lab.git|git|git@example.org:team/lab.git|HEAD|''",
      })
  void readsWhatPeoplePasteIntoTheGenerator(
      String pasted, String provider, String repo, String ref, String urlPath) {
    BinderLinks.Link link = BinderLinks.fromPasted(pasted);
    assertEquals(provider, link.provider());
    assertEquals(repo, link.repo());
    assertEquals(ref, link.ref());
    assertEquals(urlPath, link.urlPath());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {"''", "just words", "ftp://example.org/x", "https://mybinder.org/v2/bb/x/y/z"})
  void refusesWhatIsNotARepositoryOrALink(String pasted) {
    assertThrows(SharingException.Invalid.class, () -> BinderLinks.fromPasted(pasted));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "https://github.com/owner/repo|main|''|/v2/gh/owner/repo/main",
        "https://github.com/owner/repo|feature/x|''|/v2/gh/owner/repo/feature/x",
        "https://gitlab.com/group/project|main|''|/v2/gl/group%2Fproject/main",
        "http://127.0.0.1:9/lab.git|main|tree/a b.ipynb|/v2/git/http%3A%2F%2F127.0.0.1%3A9%2Flab.git/main?urlpath=tree%2Fa%20b.ipynb",
        "https://gist.github.com/someone/8d4c1a|HEAD|''|/v2/gist/someone/8d4c1a/HEAD",
      })
  void writesBerthsLinkForARepository(String repo, String ref, String urlPath, String href) {
    BinderLinks.Link link = BinderLinks.forRepo(repo, ref, urlPath);
    assertEquals(href, link.href());
    // What Berth writes, Berth reads back as the same launch.
    String path = href.substring("/v2/".length()).split("\\?")[0];
    BinderLinks.Link back =
        BinderLinks.parse(path, urlPath.isEmpty() ? Map.of() : Map.of("urlpath", urlPath));
    assertEquals(link, back);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "https://github.com/owner/My.Repo|my-repo",
        "http://127.0.0.1:9/lab.git|lab",
        "https://gitlab.com/group/project|project",
        "https://gist.github.com/someone/8d4c1a.git|binder-8d4c1a",
      })
  void namesTheServerAfterTheRepository(String repo, String name) {
    assertEquals(name, BinderLinks.forRepo(repo, "HEAD", "").serverName().value());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "urlpath|../../../user/bob/lab",
        "urlpath|tree/../../x",
        "urlpath|tree/./x",
        "urlpath|tree//x",
        "filepath|a\\b.ipynb",
        "labpath|x%0ay",
      })
  void refusesAPathThatWouldLeaveTheServer(String name, String value) {
    String decoded = value.replace("%0a", "\n");
    assertThrows(
        SharingException.Invalid.class,
        () -> BinderLinks.parse("gh/o/r/main", Map.of(name, decoded)));
  }

  @org.junit.jupiter.api.Test
  void aPermanentLinkKeepsThePathToOpen() {
    BinderLinks.Link link = BinderLinks.parse("gh/o/r/main", Map.of("filepath", "a.ipynb"));
    assertEquals("/v2/gh/o/r/0123abc?urlpath=tree%2Fa.ipynb", link.permanentHref("0123abc"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "tree/a b.ipynb|tree/a%20b.ipynb",
        "/tree/100%.ipynb|tree/100%25.ipynb",
        "voila/render/x.ipynb?voila-template=dark&a=1|voila/render/x.ipynb?voila-template=dark&a=1",
        "tree/\"><script>|tree/%22%3E%3Cscript%3E",
        "tree/é.ipynb|tree/%C3%A9.ipynb",
      })
  void aPathToOpenGoesIntoAUrlEscaped(String path, String url) {
    assertEquals(url, BinderLinks.escapePath(path));
  }
}
