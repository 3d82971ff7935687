package org.berth.imagecache;

/** The registry could not be reached or answered with an unexpected status. */
public class RegistryUnavailableException extends ImageCacheException {
  public RegistryUnavailableException(String message) {
    super(message);
  }

  public RegistryUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
