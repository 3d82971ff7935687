package org.berth.builder.strategy.environment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
import org.berth.builder.BuildException;
import org.berth.builder.BuilderConfig;
import org.junit.jupiter.api.Test;

class REnvironmentTest {
  static Optional<REnvironment> of(String runtime) {
    return REnvironment.of(Map.of("runtime.txt", runtime.getBytes()));
  }

  @Test
  void readsRuntimeTxtAsRepo2dockerDoes() {
    assertEquals(
        new REnvironment("4.3.2", LocalDate.of(2024, 1, 10), false, false),
        of("r-4.3.2-2024-01-10\n").orElseThrow());
    assertEquals(
        new REnvironment("4.3", LocalDate.of(2024, 1, 10), false, false),
        of("r-4.3-2024-01-10").orElseThrow());
    assertEquals(
        new REnvironment("", LocalDate.of(2024, 1, 10), false, false),
        of("r-2024-01-10").orElseThrow());
    assertEquals(Optional.empty(), of("python-3.11"));
    assertEquals(
        new REnvironment("", null, true, true),
        REnvironment.of(Map.of("DESCRIPTION", new byte[0], "install.R", new byte[0]))
            .orElseThrow());
  }

  @Test
  void refusesAnRRuntimeWithoutAValidDate() {
    for (String bad : new String[] {"r-latest", "r-4.3", "r-2024-13-40", "r-4.3.2-2024-1-1"}) {
      BuildException e = assertThrows(BuildException.class, () -> of(bad), bad);
      assertEquals(BuildException.Failure.RECIPE, e.failure());
      assertTrue(e.getMessage().startsWith("runtime.txt says \"" + bad + "\""), e.getMessage());
    }
  }

  @Test
  void usesTheDatedSnapshotOnlyWhenTheMirrorHasThem() {
    REnvironment r = of("r-4.2-2024-01-10").orElseThrow();
    BuilderConfig plain = EnvironmentStrategyTest.CONFIG.withCran("http://cran.example/", null);
    assertEquals("http://cran.example", r.cranUrl(plain));
    assertTrue(r.notes(plain).get(0).contains("has no dated snapshots"), r.notes(plain).toString());
    BuilderConfig dated =
        EnvironmentStrategyTest.CONFIG.withCran(
            "http://cran.example", "https://snapshots.example/cran/{date}/");
    assertEquals("https://snapshots.example/cran/2024-01-10", r.cranUrl(dated));
    REnvironment undated = REnvironment.of(Map.of("DESCRIPTION", new byte[0])).orElseThrow();
    assertEquals("http://cran.example", undated.cranUrl(dated));
    assertThrows(
        IllegalArgumentException.class,
        () -> EnvironmentStrategyTest.CONFIG.withCran(null, "https://snapshots.example/cran"));
    assertEquals(
        BuilderConfig.DEFAULT_CRAN_URL, EnvironmentStrategyTest.CONFIG.withCran(" ", "").cranUrl());
  }

  @Test
  void saysSoWhenTheInstalledRIsNotTheOneAskedFor() {
    assertEquals(
        Optional.of(
            "runtime.txt asks for R 4.3.2, but Berth installs R from Debian's packages: this"
                + " environment has R 4.2.2 instead"),
        of("r-4.3.2-2024-01-10").orElseThrow().versionNote("4.2.2"));
    assertEquals(Optional.empty(), of("r-4.2-2024-01-10").orElseThrow().versionNote("4.2.2"));
    assertEquals(Optional.empty(), of("r-4.2.2-2024-01-10").orElseThrow().versionNote("4.2.2"));
    assertEquals(Optional.empty(), of("r-2024-01-10").orElseThrow().versionNote("4.2.2"));
    assertTrue(of("r-4-2024-01-10").orElseThrow().versionNote("3.6.3").isPresent());
  }
}
