package org.berth.volumes;

/** Root of what can go wrong with volumes; every message is fit to show to users. */
public class VolumeException extends RuntimeException {

  public VolumeException(String message) {
    super(message);
  }

  public VolumeException(String message, Throwable cause) {
    super(message, cause);
  }

  /** A name, member or value that is not valid. */
  public static class Invalid extends VolumeException {
    public Invalid(String message) {
      super(message);
    }
  }

  /** No such volume, or none the caller may see (the two are not told apart). */
  public static class NotFound extends VolumeException {
    public NotFound(String name) {
      super("There is no volume " + name + " you can use.");
    }
  }

  /** The caller may see the volume but not do this with it. */
  public static class Forbidden extends VolumeException {
    public Forbidden(String message) {
      super(message);
    }
  }

  /** A volume of that name exists already. */
  public static class Exists extends VolumeException {
    public Exists(String name) {
      super("You have a volume named " + name + " already. Choose another name.");
    }
  }

  /** Servers mount the volume, so it cannot be deleted. */
  public static class InUse extends VolumeException {
    public InUse(String message) {
      super(message);
    }
  }

  /** The owner has as many volumes, or as much data, as allowed. */
  public static class QuotaExceeded extends VolumeException {
    public QuotaExceeded(String message) {
      super(message);
    }
  }

  /** The storage back end failed. */
  public static class Backend extends VolumeException {
    public Backend(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
