package org.berth.portal.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The one rule for where sign-in goes next, and the launch form's own checks. */
class PagesTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "//evil.example",
        "https://evil.example/",
        "/\\evil.example",
        "\\\\evil",
        "javascript:alert(1)",
        "evil.example",
        "/a\r\nSet-Cookie: x=y",
        "/a b",
        "/login",
        "/login?next=/x",
        "/signup",
        "/logout",
        ""
      })
  void returnToRefusesEverythingButAPageWithinBerth(String next) {
    assertEquals("/", Pages.returnTo(next));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"/", "/servers", "/servers/lab?stopped=1", "/account#tokens", "/builds/x"})
  void returnToKeepsPagesWithinBerth(String next) {
    assertEquals(next, Pages.returnTo(next));
  }

  @Test
  void returnToRefusesNothingAtAllAndVeryLongAddresses() {
    assertEquals("/", Pages.returnTo(null));
    assertEquals("/", Pages.returnTo("/" + "a".repeat(3000)));
  }

  @Test
  void aLaunchFormKeepsOnlyItsFieldsForTheWayBack() {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("_csrf", "secret");
    form.put("repo", "https://example.org/a b.git");
    form.put("name", "lab");
    form.put("memory", "");
    form.put("idleTimeout", "2h");
    assertEquals(
        "?repo=https%3A%2F%2Fexample.org%2Fa+b.git&name=lab&idleTimeout=2h",
        LaunchForm.query(form));
  }

  @Test
  void aRepositoryAndAnImageAtOnceOrARefAloneAreNamedNotIgnored() {
    Map<String, String> errors = new LinkedHashMap<>();
    LaunchForm.checkSource(
        Map.of("repo", "gh/a/b/main", "image", "127.0.0.1:5000/x:1", "ref", "main"), errors);
    assertTrue(errors.get("image").startsWith("Give a repository or an image, not both"));
    errors.clear();
    LaunchForm.checkSource(Map.of("ref", "v2"), errors);
    assertTrue(errors.containsKey("ref"));
    errors.clear();
    LaunchForm.checkSource(Map.of("ref", "HEAD"), errors);
    assertTrue(errors.isEmpty(), "the form's default ref is not something typed");
  }

  @Test
  void settingsMadeOnAServersPageAreRefusedInTheFormNotDropped() {
    assertEquals("", LaunchForm.setElsewhere(Map.of("name", "lab", "public", "false")));
    assertEquals(
        "Nothing was launched: collaborators and public access are set on a server's own page once"
            + " it is launched, not in this form.",
        LaunchForm.setElsewhere(Map.of("public", "on", "collaborators", "bob")));
  }
}
