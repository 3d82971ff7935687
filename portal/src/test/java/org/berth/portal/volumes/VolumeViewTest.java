package org.berth.portal.volumes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.berth.volumes.Volumes;
import org.junit.jupiter.api.Test;

/** Sizes and quota lines as the volumes pages show them. */
class VolumeViewTest {

  @Test
  void sizesReadAsPeopleWriteThem() {
    assertEquals("empty", VolumeView.bytes(0));
    assertEquals("1 KiB", VolumeView.bytes(10));
    assertEquals("340 KiB", VolumeView.bytes(340 * 1024));
    assertEquals("12.3 MiB", VolumeView.bytes(12_900_000));
    assertEquals("10 GiB", VolumeView.bytes(10L << 30));
    assertEquals("1.5 GiB", VolumeView.bytes(3L << 29));
  }

  @Test
  void theUsageLineSaysTheQuotaOnlyWhenThereIsOne() {
    assertEquals(
        "Your volumes use 2 MiB of your 10 GiB quota, and you own 3 of the 10 volumes you may"
            + " have.",
        VolumeView.usage(new Volumes.Usage(2L << 20, 10L << 30, 3, 10)));
    assertEquals(
        "Your volumes use 0 KiB, and you own 1 of the 4 volumes you may have.",
        VolumeView.usage(new Volumes.Usage(0, 0, 1, 4)));
  }
}
