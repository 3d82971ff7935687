package org.berth.portal.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SignInThrottleTest {

  private final MovableClock clock = new MovableClock();
  private final SignInThrottle throttle = new SignInThrottle(3, 5, Duration.ofMinutes(15), clock);

  @Test
  void theFreeFailuresCostNothingThenEachTryWaitsTwiceAsLong() {
    for (int i = 0; i < 2; i++) {
      throttle.failed("ada", "10.0.0.1");
    }
    assertEquals(Optional.empty(), throttle.waitFor("ada", "10.0.0.1"));
    throttle.failed("ada", "10.0.0.1");
    assertEquals(Optional.of(Duration.ofSeconds(10)), throttle.waitFor("ada", "10.0.0.2"));
    clock.pass(Duration.ofSeconds(10));
    assertEquals(Optional.empty(), throttle.waitFor("ada", "10.0.0.2"));
    throttle.failed("ada", "10.0.0.2");
    assertEquals(Optional.of(Duration.ofSeconds(20)), throttle.waitFor("ADA ", "10.0.0.3"));
  }

  @Test
  void theWaitNeverExceedsTheLongest() {
    for (int i = 0; i < 40; i++) {
      throttle.failed("ada", null);
    }
    assertEquals(Optional.of(Duration.ofMinutes(15)), throttle.waitFor("ada", null));
  }

  @Test
  void oneAddressIsSlowedAcrossAccountsAndOthersAreNot() {
    for (int i = 0; i < 5; i++) {
      throttle.failed("name" + i, "10.0.0.9");
    }
    assertTrue(throttle.waitFor("fresh", "10.0.0.9").isPresent());
    assertEquals(Optional.empty(), throttle.waitFor("fresh", "10.0.0.10"));
  }

  @Test
  void aRightPasswordClearsTheAccountButNotTheAddress() {
    for (int i = 0; i < 5; i++) {
      throttle.failed("ada", "10.0.0.1");
    }
    throttle.succeeded("ada");
    assertEquals(Optional.empty(), throttle.waitFor("ada", "10.0.0.2"));
    assertTrue(throttle.waitFor("ada", "10.0.0.1").isPresent());
  }

  @Test
  void failuresAreForgottenAfterADay() {
    for (int i = 0; i < 10; i++) {
      throttle.failed("ada", "10.0.0.1");
    }
    clock.pass(Duration.ofDays(1).plusSeconds(1));
    throttle.forgetOld();
    throttle.failed("ada", "10.0.0.1");
    assertEquals(Optional.empty(), throttle.waitFor("ada", "10.0.0.1"));
  }

  /** A clock the test moves. */
  static final class MovableClock extends Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void pass(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
