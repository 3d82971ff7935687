package org.berth.launch;

import java.time.Instant;
import java.util.Optional;

/**
 * Tells when a server was last used, for culling. Berth has two: the proxy (traffic through it) and
 * the server itself (Jupyter's own {@code last_activity}, which counts kernels at work and API use
 * that never came through the proxy). The culler takes the latest of all sources.
 */
public interface ActivitySource {

  /** When the server last showed activity; empty when this source does not know. */
  Optional<Instant> lastActivity(Route route);
}
