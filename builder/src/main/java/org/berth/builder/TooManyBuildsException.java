package org.berth.builder;

import java.time.Duration;

/** A requester already has the most builds waiting or running that one may have at once. */
public class TooManyBuildsException extends BuildException {

  private final transient Duration retryAfter;

  public TooManyBuildsException(int most, Duration retryAfter) {
    super(
        Failure.REFUSED,
        "You have "
            + most
            + (most == 1 ? " build" : " builds")
            + " waiting or running, the most one may have at once. Wait for one to finish (or"
            + " cancel one) and try again.");
    this.retryAfter = retryAfter;
  }

  /** When asking again is worth it. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
