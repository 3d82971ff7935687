package org.berth.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.berth.launch.MountSpec;
import org.junit.jupiter.api.Test;

class ConfirmationTest {

  static final MountSpec RO = new MountSpec("/srv/data", "alice/data", true, "", null);
  static final MountSpec RW = MountSpec.of("/home/jovyan/shared", "team");

  @Test
  void isNeededForLinksWritableMountsCredentialsAndCollaborators() {
    assertTrue(Confirmation.needed(true, List.of(), false, List.of()));
    assertTrue(Confirmation.needed(false, List.of(RW), false, List.of()));
    assertTrue(Confirmation.needed(false, List.of(), true, List.of()));
    assertTrue(Confirmation.needed(false, List.of(), false, List.of("bob")));
    assertFalse(Confirmation.needed(false, List.of(RO), false, List.of()));
  }

  @Test
  void saysWhatRunsWhatItTouchesAndWhatAMaliciousRepositoryCouldDo() {
    Confirmation c =
        Confirmation.of("https://h/r", "main", List.of(RO, RW), true, List.of("bob"), false);
    assertEquals(
        List.of(
            "/home/jovyan ← your home (read-write)",
            "/srv/data ← alice/data (read-only)",
            "/home/jovyan/shared ← team (read-write)"),
        c.mounts());
    String risks = String.join(" ", c.risks());
    assertTrue(risks.contains("your home, team at /home/jovyan/shared"), risks);
    assertTrue(risks.contains("read alice/data at /srv/data"), risks);
    assertTrue(risks.contains("sign-in token"), risks);
    assertTrue(risks.contains("bob can also open this server"), risks);
  }

  @Test
  void anyNewPermissionChangesTheHashButANewRefDoesNot() {
    String base =
        Confirmation.of("https://h/r", "main", List.of(RO), false, List.of(), false)
            .permissionsHash();
    assertEquals(
        base,
        Confirmation.of("https://h/r", "v2", List.of(RO), false, List.of(), false)
            .permissionsHash());
    assertNotEquals(
        base,
        Confirmation.of("https://h/r", "main", List.of(RO, RW), false, List.of(), false)
            .permissionsHash());
    assertNotEquals(
        base,
        Confirmation.of(
                "https://h/r",
                "main",
                List.of(new MountSpec("/srv/data", "alice/data", false, "", null)),
                false,
                List.of(),
                false)
            .permissionsHash(),
        "a writable mode asks again");
    assertNotEquals(
        base,
        Confirmation.of("https://h/r", "main", List.of(RO), true, List.of(), false)
            .permissionsHash());
    assertNotEquals(
        base,
        Confirmation.of("https://h/r", "main", List.of(RO), false, List.of("bob"), false)
            .permissionsHash());
    assertNotEquals(
        base,
        Confirmation.of("https://h/other", "main", List.of(RO), false, List.of(), false)
            .permissionsHash());
  }
}
