package org.berth.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BuildResourcesTest {
  @Test
  void readsSizesAsAdminsWriteThem() {
    assertEquals(2L << 30, BuildResources.parseBytes("2g"));
    assertEquals(2L << 30, BuildResources.parseBytes("2GiB"));
    assertEquals(512L << 20, BuildResources.parseBytes("512M"));
    assertEquals(1536L << 20, BuildResources.parseBytes("1.5g"));
    assertEquals(123456789L, BuildResources.parseBytes("123456789"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "lots", "2x", "-1g", "1e9"})
  void refusesSizesItCannotRead(String size) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> BuildResources.parseBytes(size));
    assertTrue(e.getMessage().contains("e.g. 2g"), e.getMessage());
  }

  @Test
  void refusesLimitsNoBuildCouldRunWith() {
    assertThrows(IllegalArgumentException.class, () -> BuildResources.of("1m", 1, "b"));
    assertThrows(IllegalArgumentException.class, () -> BuildResources.of("2g", 1e-9, "b"));
    assertThrows(IllegalArgumentException.class, () -> BuildResources.of("2g", Double.NaN, "b"));
    assertThrows(IllegalArgumentException.class, () -> BuildResources.of("2g", 1, "a b"));
    assertThrows(IllegalArgumentException.class, () -> BuildResources.of("2g", 1, "--net"));
  }

  @Test
  void theCpuLimitIsAQuotaPerHundredMilliseconds() {
    assertEquals(50_000, BuildResources.of("1g", 0.5, "b").cpuQuotaMicros());
    assertEquals(1_000, BuildResources.of("1g", 0.01, "b").cpuQuotaMicros());
    assertEquals(200_000, BuildResources.defaults().cpuQuotaMicros() * 2);
  }
}
