package org.berth.builder;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.berth.imagecache.ImageDigest;
import org.berth.imagecache.ImageRef;

/**
 * What the portal keeps about one build request.
 *
 * @param id build id
 * @param source repository URL
 * @param ref the ref as asked
 * @param commit resolved commit
 * @param image target image
 * @param digest manifest digest; null unless {@code outcome} is BUILT or CACHE_HIT
 * @param strategy strategy that ran; null for a cache hit or an early failure
 * @param startedAt when the request arrived
 * @param duration request to end
 * @param outcome how it ended
 * @param failure what failed; null unless FAILED or CANCELLED
 * @param message a line for the user
 * @param log build output lines
 */
public record BuildRecord(
    String id,
    String source,
    String ref,
    String commit,
    ImageRef image,
    ImageDigest digest,
    String strategy,
    Instant startedAt,
    Duration duration,
    Outcome outcome,
    BuildException.Failure failure,
    String message,
    List<String> log) {
  /** How a build request ended. */
  public enum Outcome {
    BUILT,
    CACHE_HIT,
    FAILED,
    CANCELLED
  }

  public BuildRecord {
    log = List.copyOf(log);
    if ((outcome == Outcome.BUILT || outcome == Outcome.CACHE_HIT) && digest == null) {
      throw new IllegalArgumentException("a built image needs its digest");
    }
  }
}
