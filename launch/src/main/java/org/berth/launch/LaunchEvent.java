package org.berth.launch;

import java.util.List;

/** What happens while a server starts, in order: phases and log lines. */
public sealed interface LaunchEvent {

  /** The phases of a launch, as a user sees them. */
  enum Phase {
    ALLOCATING,
    STARTING,
    WAITING_FOR_SERVER,
    READY,
    FAILED
  }

  /** The launch moved to a phase; a failure carries the server's last log lines. */
  record PhaseChanged(Phase phase, String message, List<String> lastLogLines)
      implements LaunchEvent {
    public PhaseChanged {
      lastLogLines = List.copyOf(lastLogLines);
    }

    public static PhaseChanged of(Phase phase, String message) {
      return new PhaseChanged(phase, message, List.of());
    }
  }

  /**
   * Something the user should know about a launch that is not a phase: what a pull into a volume
   * could not apply, say. {@code details} are lines to show under the message.
   */
  record Notice(String message, List<String> details) implements LaunchEvent {
    public Notice {
      details = List.copyOf(details);
    }
  }
}
