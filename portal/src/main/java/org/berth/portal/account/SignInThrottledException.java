package org.berth.portal.account;

import java.time.Duration;

/** Too many wrong passwords for this account or from this address: the caller must wait. */
public class SignInThrottledException extends AccountException {

  private final transient Duration retryAfter;

  public SignInThrottledException(Duration retryAfter) {
    super("Too many failed sign-ins. Try again in " + seconds(retryAfter) + " s.");
    this.retryAfter = retryAfter;
  }

  /** Whole seconds to wait, at least one. */
  public long retryAfterSeconds() {
    return seconds(retryAfter);
  }

  private static long seconds(Duration d) {
    return Math.max(1, (d.toMillis() + 999) / 1000);
  }
}
