package org.berth.launch;

/** Where a server stands in its back end. */
public sealed interface ServerStatus {

  /** Running and reachable at {@code host:port} (on this machine, 127.0.0.1). */
  record Running(String host, int port) implements ServerStatus {}

  /** It exists but is not running; starting it again keeps its home. */
  record Stopped() implements ServerStatus {}

  /** The back end no longer knows it. */
  record Missing() implements ServerStatus {}
}
