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
}
