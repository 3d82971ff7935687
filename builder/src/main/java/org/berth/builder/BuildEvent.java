package org.berth.builder;

import java.time.Instant;
import org.berth.imagecache.ImageDigest;
import org.berth.imagecache.ImageRef;

/**
 * What happens during a build, in order. Subscribers of a build get the past events replayed, then
 * the live ones; the last event is always {@link Finished}.
 */
public sealed interface BuildEvent {
  /** When the event happened. */
  Instant at();

  /** Phases of a build, as the portal shows them. */
  enum Phase {
    RESOLVING,
    CACHE_HIT,
    QUEUED,
    FETCHING,
    BUILDING,
    PUSHING,
    BUILT,
    FAILED
  }

  /** The build entered a phase. */
  record PhaseChanged(Phase phase, String message, Instant at) implements BuildEvent {
    public PhaseChanged(Phase phase, String message) {
      this(phase, message, Instant.now());
    }
  }

  /** Position in the queue: 1 means next to start. */
  record QueuePosition(int position, Instant at) implements BuildEvent {
    public QueuePosition(int position) {
      this(position, Instant.now());
    }
  }

  /** One line of build output. */
  record LogLine(String line, Instant at) implements BuildEvent {
    public LogLine(String line) {
      this(line, Instant.now());
    }
  }

  /** Progress of a step; {@code total} is 0 when unknown. */
  record Progress(String step, long done, long total, Instant at) implements BuildEvent {
    public Progress(String step, long done, long total) {
      this(step, done, total, Instant.now());
    }
  }

  /**
   * A recipe step ran or was taken from the cache: {@code environment}, {@code content-layer},
   * {@code dockerfile}, {@code post-build}, {@code buildpacks}.
   */
  record StepRan(String step, boolean cached, String detail, Instant at) implements BuildEvent {
    public StepRan(String step, boolean cached, String detail) {
      this(step, cached, detail, Instant.now());
    }
  }

  /**
   * The build ended. On success {@code image} and {@code digest} are set and {@code failure} is
   * null; on failure the reverse, and {@code message} says what failed.
   */
  record Finished(
      ImageRef image,
      ImageDigest digest,
      String strategy,
      BuildException.Failure failure,
      String message,
      Instant at)
      implements BuildEvent {
    public boolean succeeded() {
      return failure == null;
    }
  }
}
