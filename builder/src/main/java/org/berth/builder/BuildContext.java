package org.berth.builder;

import java.time.Instant;
import java.util.function.Consumer;
import org.berth.imagecache.ImageRef;

/**
 * What a strategy needs from the running build.
 *
 * @param target where the image must be pushed
 * @param events sink for log lines, steps and progress
 * @param deadline when the build must stop
 * @param cancelled true once the build was cancelled
 */
public record BuildContext(
    ImageRef target,
    Consumer<BuildEvent> events,
    Instant deadline,
    java.util.function.BooleanSupplier cancelled) {

  public void log(String line) {
    events.accept(new BuildEvent.LogLine(line));
  }

  /** Throws when the build was cancelled or ran past its deadline. */
  public void checkStillWanted() {
    if (cancelled.getAsBoolean()) {
      throw new BuildException(
          BuildException.Failure.CANCELLED, "build of " + target + " was cancelled");
    }
    if (Instant.now().isAfter(deadline)) {
      throw new BuildException(
          BuildException.Failure.TIMEOUT, "build of " + target + " ran over its time limit");
    }
  }

  /** Milliseconds left before the deadline, at least 1. */
  public long millisLeft() {
    return Math.max(1, deadline.toEpochMilli() - System.currentTimeMillis());
  }
}
