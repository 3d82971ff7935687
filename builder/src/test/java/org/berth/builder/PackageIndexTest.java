package org.berth.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class PackageIndexTest {
  @Test
  void theWheelIsTheSameOnEveryRunSoALockFileCanPinIt() throws Exception {
    assertEquals(
        PackageIndex.WHEEL_SHA256,
        HexFormat.of()
            .formatHex(MessageDigest.getInstance("SHA-256").digest(PackageIndex.wheel())));
  }
}
