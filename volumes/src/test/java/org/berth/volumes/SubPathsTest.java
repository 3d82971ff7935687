package org.berth.volumes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SubPathsTest {

  @Test
  void fillsEveryPlaceholder() {
    assertEquals(
        "alice/physics-week1",
        SubPaths.resolve(
            "{username}/{course}-{session}",
            Map.of("username", "alice", "course", "physics", "session", "week1")));
  }

  @Test
  void valuesThatLookAlikeNeverShareADirectory() {
    List<String> values =
        List.of(
            "a-b",
            "a_b",
            "a.b",
            "ab",
            "a b",
            "A-b",
            "..",
            ".",
            "а-b" /* Cyrillic a */,
            "a/b",
            "a_2db");
    Set<String> escaped = new HashSet<>();
    for (String v : values) {
      String e = SubPaths.escape(v);
      assertTrue(e.matches("[a-z0-9_]+"), e);
      assertTrue(escaped.add(e), v + " collides: " + e);
    }
    assertNotEquals(SubPaths.escape("a-b"), SubPaths.escape("a_b"));
    assertEquals("_2e_2e", SubPaths.escape(".."));
  }

  @Test
  void aValueCannotClimbOutOfItsVolume() {
    String p =
        SubPaths.resolve("{course}/{username}", Map.of("course", "../../etc", "username", "x"));
    assertTrue(!p.contains("..") && !p.startsWith("/"), p);
  }

  @Test
  void aMissingValueIsAClearError() {
    VolumeException e =
        assertThrows(
            VolumeException.Invalid.class,
            () -> SubPaths.resolve("{course}/{username}", Map.of("username", "x")));
    assertTrue(e.getMessage().contains("course"), e.getMessage());
  }
}
