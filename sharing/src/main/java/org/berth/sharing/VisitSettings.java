package org.berth.sharing;

import java.time.Duration;
import org.berth.launch.Resources;

/**
 * How visitors' temporary servers run: the most time one may live, how long it may stay idle, how
 * many may run per public link and overall, and their resources.
 */
public record VisitSettings(
    Duration lifetime, Duration idleTimeout, int maxPerLink, int maxOverall, Resources resources) {

  public VisitSettings {
    if (lifetime.isZero() || lifetime.isNegative() || idleTimeout.isNegative()) {
      throw new IllegalArgumentException("a visit has a lifetime");
    }
    if (maxPerLink < 1 || maxOverall < 1) {
      throw new IllegalArgumentException("at least one visitor");
    }
  }
}
