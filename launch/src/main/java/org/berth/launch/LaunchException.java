package org.berth.launch;

import java.time.Duration;
import java.util.List;

/** Root of what can go wrong starting, checking or stopping a server. Messages are for users. */
public class LaunchException extends RuntimeException {

  public LaunchException(String message) {
    super(message);
  }

  public LaunchException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The server name breaks the naming rule. */
  public static class InvalidServerName extends LaunchException {
    public InvalidServerName(String message) {
      super(message);
    }
  }

  /** A request goes beyond a configured limit. */
  public static class LimitExceeded extends LaunchException {
    public LimitExceeded(String message) {
      super(message);
    }
  }

  /** The image to run is in neither the engine nor its registry. */
  public static class ImageNotFound extends LaunchException {
    public ImageNotFound(String image) {
      super("The image " + image + " does not exist. Build it first, or check its name.");
    }
  }

  /** The container engine cannot be reached. */
  public static class EngineUnavailable extends LaunchException {
    public EngineUnavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The server did not become ready. */
  public static class NotReady extends LaunchException {
    public NotReady(String message) {
      super(message);
    }
  }

  /** The owner has no server of that name. */
  public static class ServerNotFound extends LaunchException {
    public ServerNotFound(String name) {
      super("You have no server named " + name + ".");
    }
  }

  /**
   * The server exists with other settings; changing them needs the owner's yes. {@link #changes()}
   * lists every difference in words; {@link #newContainer()} says whether the server must be
   * recreated (its files are kept either way).
   */
  public static class SpecChanged extends LaunchException {
    private final List<String> changes;
    private final boolean newContainer;

    public SpecChanged(String name, List<String> changes, boolean newContainer) {
      super(
          "The server "
              + name
              + " exists with other settings ("
              + String.join("; ", changes)
              + "). Confirm to "
              + (newContainer ? "recreate it; the files in its home are kept." : "apply them."));
      this.changes = List.copyOf(changes);
      this.newContainer = newContainer;
    }

    public List<String> changes() {
      return changes;
    }

    public boolean newContainer() {
      return newContainer;
    }
  }

  /** The owner has as many servers as allowed. */
  public static class TooManyServers extends LaunchException {
    public TooManyServers(String message) {
      super(message);
    }
  }

  /**
   * Berth runs as many servers as it may; the caller should try again after {@link #retryAfter}.
   */
  public static class AtCapacity extends LaunchException {
    private final Duration retryAfter;

    public AtCapacity(String message, Duration retryAfter) {
      super(message);
      this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
      return retryAfter;
    }
  }

  /** The image named is not one Berth may run. */
  public static class ImageNotAllowed extends LaunchException {
    public ImageNotAllowed(String message) {
      super(message);
    }
  }

  /** The path to open is not one a server can open. */
  public static class InvalidPath extends LaunchException {
    public InvalidPath(String message) {
      super(message);
    }
  }

  /** A mount that cannot be made: where it goes, what it mounts, or who asks. */
  public static class InvalidMount extends LaunchException {
    public InvalidMount(String message) {
      super(message);
    }
  }

  /** The owner may not mount that volume (or not that way). */
  public static class MountForbidden extends LaunchException {
    public MountForbidden(String message) {
      super(message);
    }
  }
}
