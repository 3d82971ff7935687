package org.berth.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerSpecTest {

  static ServerSpec spec(String image, long memory, double cpus, Duration idle, boolean off) {
    return new ServerSpec(
        ServerSpec.Source.NONE,
        image,
        new Resources(memory, cpus, idle, Duration.ofDays(7)),
        off,
        "");
  }

  @Test
  void theHashCoversWhatTheContainerIsMadeFromAndIsStable() throws Exception {
    ServerSpec a = spec("img:1", 1L << 30, 1, Duration.ofHours(1), false);
    // The text hashed since servers were first stored (image, memory, CPUs on lines), so that
    // servers recorded by earlier versions keep their hash and are not asked to be recreated.
    String stored =
        java.util.HexFormat.of()
            .formatHex(
                java.security.MessageDigest.getInstance("SHA-256")
                    .digest(
                        "img:1\n1073741824\n1.0"
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    assertEquals(stored, a.hash());
    assertEquals(a.hash(), spec("img:1", 1L << 30, 1, Duration.ofHours(9), true).hash());
    assertFalse(a.hash().equals(spec("img:2", 1L << 30, 1, Duration.ofHours(1), false).hash()));
    assertFalse(a.hash().equals(spec("img:1", 2L << 30, 1, Duration.ofHours(1), false).hash()));
    assertFalse(a.hash().equals(spec("img:1", 1L << 30, 2, Duration.ofHours(1), false).hash()));
  }

  @Test
  void listsEveryChangedSettingInWords() {
    ServerSpec old = spec("img:1", 1L << 30, 1, Duration.ofHours(2), false);
    ServerSpec changed = spec("img:2", 512L << 20, 0.5, Duration.ofHours(1), true);

    assertEquals(
        List.of(
            "image: img:1 → img:2",
            "memory: 1024 MiB → 512 MiB",
            "CPUs: 1.0 → 0.5",
            "idle timeout: 2h → 1h",
            "stop when idle: yes → no"),
        changed.changesFrom(old));
    assertTrue(changed.needsNewContainer(old));
    assertTrue(old.changesFrom(old).isEmpty());
  }

  @Test
  void aNewCommitOfTheSameRepositoryIsNamed() {
    Resources r = new Resources(1L << 30, 1, Duration.ofHours(1), Duration.ofDays(7));
    ServerSpec old =
        new ServerSpec(
            new ServerSpec.Source("https://h/r", "main", "aaaaaaaaaaaaaaaa"), "r:a", r, false, "");
    ServerSpec now =
        new ServerSpec(
            new ServerSpec.Source("https://h/r", "main", "bbbbbbbbbbbbbbbb"), "r:b", r, false, "");
    assertEquals(
        List.of("commit: aaaaaaaaaaaa → bbbbbbbbbbbb", "image: r:a → r:b"), now.changesFrom(old));
  }

  @Test
  void thePathToOpenIsNotASettingThatAsks() {
    ServerSpec a = spec("img:1", 1L << 30, 1, Duration.ofHours(1), false);
    assertTrue(a.withOpenPath("notebooks/x.ipynb").changesFrom(a).isEmpty());
  }
}
