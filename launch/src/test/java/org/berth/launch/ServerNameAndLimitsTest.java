package org.berth.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ServerNameAndLimitsTest {

  private static final LaunchLimits LIMITS =
      new LaunchLimits(
          2L << 30,
          2,
          512,
          3,
          Duration.ofHours(8),
          Duration.ofDays(1),
          Duration.ofSeconds(30),
          new Resources(1L << 30, 1, Duration.ofHours(1), Duration.ZERO));

  @ParameterizedTest
  @ValueSource(strings = {"a", "analysis", "week-3", "x1", "abcdefghijklmnopqrstuvwxyz1234"})
  void acceptsJupyterHubStyleNames(String name) {
    assertEquals(name, new ServerName(name).value());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "a$/b",
        "../x",
        "Upper",
        "9start",
        "-dash",
        "a_b",
        "a.b",
        "a b",
        "abcdefghijklmnopqrstuvwxyz12345"
      })
  void refusesOtherNames(String name) {
    assertThrows(LaunchException.InvalidServerName.class, () -> new ServerName(name));
  }

  @Test
  void parsesMemorySizesAndRefusesNonsense() {
    assertEquals(512L << 20, Resources.parseMemory("512M"));
    assertEquals(2L << 30, Resources.parseMemory("2G"));
    assertEquals(3L << 29, Resources.parseMemory("1.5g"));
    assertEquals(1000, Resources.parseMemory("1000"));
    for (String bad : new String[] {"lots", "-1G", "0", "1T", ""}) {
      assertThrows(LaunchException.LimitExceeded.class, () -> Resources.parseMemory(bad), bad);
    }
  }

  @Test
  void refusesRequestsOverEachMaximumNamingIt() {
    assertEquals(LIMITS.defaults(), LIMITS.check(LIMITS.defaults()));
    String memory =
        assertThrows(
                LaunchException.LimitExceeded.class,
                () -> LIMITS.check(new Resources(3L << 30, 1, Duration.ZERO, Duration.ZERO)))
            .getMessage();
    assertTrue(memory.contains("Memory") && memory.contains("2048 MiB"), memory);
    String cpus =
        assertThrows(
                LaunchException.LimitExceeded.class,
                () -> LIMITS.check(new Resources(1L << 30, 4, Duration.ZERO, Duration.ZERO)))
            .getMessage();
    assertTrue(cpus.contains("CPUs"), cpus);
    String idle =
        assertThrows(
                LaunchException.LimitExceeded.class,
                () -> LIMITS.check(new Resources(1L << 30, 1, Duration.ofHours(9), Duration.ZERO)))
            .getMessage();
    assertTrue(idle.contains("Idle timeout"), idle);
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({
    "Binder-Examples, binder-examples",
    "requirements.git, requirements-git",
    "2048 game, binder-2048-game",
    "'$$$', binder",
    "'', binder",
    "a-very-long-repository-name-that-goes-on-and-on, a-very-long-repository-name-th",
    "ünïcödé--repo, n-c-d-repo"
  })
  void suggestedNamesFollowTheRule(String text, String expected) {
    assertEquals(expected, ServerName.suggest(text, "binder").value());
  }
}
