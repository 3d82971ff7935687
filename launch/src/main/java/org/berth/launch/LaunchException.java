package org.berth.launch;

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
}
