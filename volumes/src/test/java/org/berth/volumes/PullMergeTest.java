package org.berth.volumes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** nbgitpuller's rules, and the report of what was not applied. */
class PullMergeTest {

  static Map<String, byte[]> files(String... pathsAndTexts) {
    Map<String, byte[]> m = new HashMap<>();
    for (int i = 0; i < pathsAndTexts.length; i += 2) {
      m.put(pathsAndTexts[i], pathsAndTexts[i + 1].getBytes(StandardCharsets.UTF_8));
    }
    return m;
  }

  static String text(PullMerge.Plan plan, String path) {
    byte[] b = plan.writes().get(path);
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  @Test
  void anUpstreamChangeToAFileTheUserLeftAloneIsTaken() {
    PullMerge.Plan plan =
        PullMerge.plan(files("a.txt", "one\n"), files("a.txt", "one\n"), files("a.txt", "two\n"));
    assertEquals("two\n", text(plan, "a.txt"));
    assertTrue(plan.notApplied().isEmpty());
  }

  @Test
  void theUsersEditWinsOnTheSameLineAndOtherUpstreamLinesArrive() {
    Map<String, byte[]> base = files("nb.py", "x = 1\ny = 2\nz = 3\n");
    Map<String, byte[]> mine = files("nb.py", "x = 100\ny = 2\nz = 3\n");
    Map<String, byte[]> theirs = files("nb.py", "x = 5\ny = 2\nz = 30\n");

    PullMerge.Plan plan = PullMerge.plan(base, mine, theirs);

    assertEquals("x = 100\ny = 2\nz = 30\n", text(plan, "nb.py"));
    assertEquals(
        List.of(
            "nb.py: upstream changed lines you had changed too (1 place); your lines are kept there."),
        plan.notApplied());
  }

  @Test
  void aFileTheUserDeletedComesBack() {
    PullMerge.Plan plan =
        PullMerge.plan(files("gone.txt", "v1\n"), files(), files("gone.txt", "v1\n"));
    assertEquals("v1\n", text(plan, "gone.txt"));
  }

  @Test
  void aUserFileClashingWithANewUpstreamFileIsRenamedNotOverwritten() {
    PullMerge.Plan plan =
        PullMerge.plan(
            files(),
            files("new.ipynb", "mine", "new_1.ipynb", "older"),
            files("new.ipynb", "theirs"));
    assertEquals("theirs", text(plan, "new.ipynb"));
    assertEquals("mine", text(plan, "new_2.ipynb"));
    assertEquals(
        List.of("new.ipynb: you had a file of this name; it is kept as new_2.ipynb."),
        plan.notApplied());
  }

  @Test
  void aFileDeletedUpstreamIsKeptAndSaid() {
    PullMerge.Plan plan = PullMerge.plan(files("old.txt", "a"), files("old.txt", "a"), files());
    assertTrue(plan.writes().isEmpty());
    assertEquals(List.of("old.txt: deleted upstream; your copy is kept."), plan.notApplied());
  }

  @Test
  void aBinaryFileBothChangedKeepsTheUsersVersion() {
    Map<String, byte[]> base = Map.of("img.png", new byte[] {0, 1, 2});
    Map<String, byte[]> mine = Map.of("img.png", new byte[] {0, 1, 3});
    Map<String, byte[]> theirs = Map.of("img.png", new byte[] {0, 1, 4});
    PullMerge.Plan plan = PullMerge.plan(base, mine, theirs);
    assertFalse(plan.writes().containsKey("img.png"));
    assertEquals(
        List.of("img.png: you and upstream both changed it; your version is kept."),
        plan.notApplied());
  }

  @Test
  void aFileOnlyTheUserChangedIsLeftAsItIs() {
    PullMerge.Plan plan = PullMerge.plan(files("a", "1\n"), files("a", "2\n"), files("a", "1\n"));
    assertTrue(plan.writes().isEmpty());
    assertTrue(plan.notApplied().isEmpty());
  }
}
