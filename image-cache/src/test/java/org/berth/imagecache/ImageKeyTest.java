package org.berth.imagecache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageKeyTest {
  static final String SHA = "0123456789abcdef0123456789abcdef01234567";

  @Test
  void namesImageBySourceCommitAndRecipe() {
    ImageKey key = ImageKey.of("https://github.com/Owner/My.Repo", SHA, "1");
    assertEquals("berth/github.com/owner/my.repo", key.repository());
    assertEquals(SHA + "-r1", key.tag());
    assertEquals(
        "127.0.0.1:5000/berth/github.com/owner/my.repo:" + SHA + "-r1",
        key.toRef("127.0.0.1:5000").toString());
  }

  @Test
  void lowercasesUppercaseCommit() {
    assertEquals(SHA + "-r2", ImageKey.of("x", SHA.toUpperCase(), "2").tag());
  }

  @ParameterizedTest
  @ValueSource(strings = {"main", "v1.0", "0123456", "", "HEAD", "refs/heads/main"})
  void refusesAnythingButAFullCommitSoBranchNamesNeverBecomeTags(String ref) {
    assertThrows(IllegalArgumentException.class, () -> ImageKey.of("x", ref, "1"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-1", "1/2", "v:1", "UPPER"})
  void refusesOddRecipeVersions(String recipe) {
    assertThrows(IllegalArgumentException.class, () -> ImageKey.of("x", SHA, recipe));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://github.com/owner/repo",
        "git@github.com:owner/repo.git",
        "ssh://user@host:22/a/b",
        "HTTPS://EXAMPLE.COM/UPPER/Case",
        "https://example.com/../../etc/passwd",
        "https://example.com/a/./b//c/",
        "https://exämple.com/café/naïve",
        "https://例子.测试/仓库",
        "...",
        "",
        "   ",
        "a..b--c__d",
        "-leading-dash/.hidden/trailing.",
        "https://host/with space/and%20escapes?q=1#frag",
        "C:\\windows\\path",
        "\u0000\u0007control",
        "😀/emoji"
      })
  void slugIsAlwaysAValidRepositoryName(String source) {
    String slug = ImageKey.slug(source);
    assertTrue(ImageRef.isValidRepository(slug), () -> source + " -> " + slug);
    assertTrue(ImageRef.isValidRepository("berth/" + slug));
    assertFalse(slug.contains(".."), slug);
    assertTrue(slug.length() <= ImageKey.MAX_SLUG, slug);
  }

  @Test
  void dropsDotSegmentsAndSchemesAndUserInfo() {
    assertEquals("example.com/etc/passwd", ImageKey.slug("https://example.com/../../etc/passwd"));
    assertEquals("github.com/owner/repo.git", ImageKey.slug("git@github.com:owner/repo.git"));
    assertEquals("host/22/a/b", ImageKey.slug("ssh://user@host:22/a/b"));
  }

  @Test
  void foldsAccentsAndReplacesOtherUnicode() {
    assertEquals("example.com/cafe/naive", ImageKey.slug("https://exämple.com/café/naïve"));
    assertEquals("source", ImageKey.slug("😀"));
  }

  @Test
  void capsLongSlugsWithAHashOfTheWholeSource() {
    String a = "https://example.com/" + "a".repeat(300) + "/one";
    String b = "https://example.com/" + "a".repeat(300) + "/two";
    String slugA = ImageKey.slug(a);
    assertEquals(ImageKey.MAX_SLUG, slugA.length());
    assertNotEquals(slugA, ImageKey.slug(b));
    assertEquals(slugA, ImageKey.slug(a));
    assertTrue(ImageRef.isValidRepository(slugA));
  }

  @Test
  void isAPureFunction() {
    assertEquals(ImageKey.of("gh/a/b", SHA, "1"), ImageKey.of("gh/a/b", SHA, "1"));
    assertNotEquals(ImageKey.of("gh/a/b", SHA, "1"), ImageKey.of("gh/a/b", SHA, "2"));
  }

  @Test
  void environmentKeyIgnoresFileOrderButNotContentBaseOrRecipe() {
    Map<String, byte[]> one = Map.of("apt.txt", "curl\n".getBytes(), "postBuild", "x".getBytes());
    Map<String, byte[]> same =
        new java.util.LinkedHashMap<>(
            Map.of("postBuild", "x".getBytes(), "apt.txt", "curl\n".getBytes()));
    EnvironmentKey key = EnvironmentKey.of(one, "base:1", "1");
    assertEquals(key, EnvironmentKey.of(same, "base:1", "1"));
    assertNotEquals(key, EnvironmentKey.of(Map.of("apt.txt", "curl\n".getBytes()), "base:1", "1"));
    assertNotEquals(key, EnvironmentKey.of(one, "base:2", "1"));
    assertNotEquals(key, EnvironmentKey.of(one, "base:1", "2"));
    // moving bytes between path and content must change the key
    assertNotEquals(
        EnvironmentKey.of(Map.of("ab", "c".getBytes()), "b", "1"),
        EnvironmentKey.of(Map.of("a", "bc".getBytes()), "b", "1"));
    assertEquals("berth/env", key.toRef("127.0.0.1:5000").repository());
  }

  @Test
  void parsesAndPrintsImageRefs() {
    ImageRef ref = ImageRef.parse("127.0.0.1:5000/berth/jupyter-base:006b66d082fa");
    assertEquals("127.0.0.1:5000", ref.registry());
    assertEquals("berth/jupyter-base", ref.repository());
    assertEquals("006b66d082fa", ref.tag());
    assertEquals("127.0.0.1:5000/berth/jupyter-base:006b66d082fa", ref.toString());
    assertThrows(IllegalArgumentException.class, () -> ImageRef.parse("no-registry"));
    assertThrows(IllegalArgumentException.class, () -> ImageRef.parse("h:5000/Upper:tag"));
  }

  @Test
  void refusesMalformedDigests() {
    assertThrows(IllegalArgumentException.class, () -> ImageDigest.parse("sha256:abc"));
    assertEquals("sha256:" + "a".repeat(64), ImageDigest.parse("sha256:" + "a".repeat(64)).value());
  }
}
