package org.berth.portal.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LocalRedirectTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/",
        "/servers",
        "/user/ada/lab/tree?x=1#frag",
        "/user/ada/lab/tree/a%20b",
        "/%2F/evil.example", // stays a path: browsers do not decode %2F in a Location
      })
  void pathsOnThisOriginAreKept(String next) {
    assertEquals(next, LocalRedirect.path(next));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/\t/evil.example", // next=/%09/evil.example once decoded: browsers strip the tab
        "/\n/evil.example",
        "/\r\n/evil.example",
        "/ /evil.example",
        "//evil.example",
        "///evil.example",
        "https://evil.example",
        "http:evil.example",
        "javascript:alert(1)",
        "/\\evil.example",
        "\\\\evil.example",
        "evil.example",
        " /servers",
        "",
      })
  void anythingThatCouldLeaveBerthLeadsHome(String next) {
    assertEquals("/", LocalRedirect.path(next));
  }

  @org.junit.jupiter.api.Test
  void nothingLeadsHome() {
    assertEquals("/", LocalRedirect.path(null));
    assertEquals("/", LocalRedirect.path("/" + "a".repeat(3000)));
  }
}
