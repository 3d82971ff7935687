package org.berth.sharing;

/** Root of what can go wrong sharing servers; every message is fit to show to users. */
public class SharingException extends RuntimeException {

  public SharingException(String message) {
    super(message);
  }

  /** Not a valid value (a name, an expiry, a link). */
  public static class Invalid extends SharingException {
    public Invalid(String message) {
      super(message);
    }
  }

  /** No such invite, link or visit, or none the caller may see. */
  public static class NotFound extends SharingException {
    public NotFound(String message) {
      super(message);
    }
  }

  /** An invite past its expiry, or revoked. */
  public static class Gone extends SharingException {
    public Gone(String message) {
      super(message);
    }
  }

  /** Only the owner may do this. */
  public static class Forbidden extends SharingException {
    public Forbidden(String message) {
      super(message);
    }
  }

  /** As many visitors as allowed are in; the caller should come back later. */
  public static class Busy extends SharingException {
    private final java.time.Duration retryAfter;

    public Busy(String message, java.time.Duration retryAfter) {
      super(message);
      this.retryAfter = retryAfter;
    }

    public java.time.Duration retryAfter() {
      return retryAfter;
    }
  }
}
