package org.berth.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.berth.imagecache.ImageRef;
import org.junit.jupiter.api.Test;

/** Who waits for a shared build, and who may cancel it. */
class BuildRequestersTest {

  final AtomicInteger stops = new AtomicInteger();
  final BuildHandle build =
      new BuildHandle(
          "b1",
          new ResolvedSource(
              SourceSpec.parse("https://example.org/r.git", "main"), "a".repeat(40), "main"),
          ImageRef.parse("127.0.0.1:5000/berth/r:aaaa"),
          stops::incrementAndGet);

  @Test
  void aCancelByOneOfTwoRequestersOnlyWithdrawsTheirRequest() {
    build.requestedBy("alice").requestedBy("bob");

    assertEquals(BuildHandle.Cancelled.WITHDRAWN, build.cancel("bob"));
    assertEquals(0, stops.get(), "alice still waits: the build goes on");
    assertFalse(build.isRequestedBy("bob"));
    assertEquals(BuildHandle.Cancelled.STOPPED, build.cancel("alice"));
    assertEquals(1, stops.get());
  }

  @Test
  void someoneWhoNeverAskedCannotCancel() {
    build.requestedBy("alice");

    assertThrows(NotYourBuildException.class, () -> build.cancel("mallory"));
    assertEquals(0, stops.get());
    assertTrue(build.isRequestedBy("alice"));
  }

  @Test
  void aLaunchThatJoinsABuildKeepsItAliveWhenTheFirstRequesterLeaves() {
    build.requestedBy("bob"); // asked on the build page
    build.requestedBy("alice"); // her launch needs the same image

    build.cancel("bob");

    assertEquals(0, stops.get(), "alice's launch still waits for the image");
  }

  @Test
  void aFinishedBuildHasNobodyToCancelFor() {
    build.requestedBy("alice");
    build.complete(new BuiltImage(build.target(), null, "environment"));

    assertThrows(NoSuchBuildException.class, () -> build.cancel("alice"));
    build.requestedBy("bob");
    assertFalse(build.isRequestedBy("bob"));
  }
}
