package org.berth.imagecache;

/** Root of every error this module reports; messages name the registry or image involved. */
public class ImageCacheException extends RuntimeException {
  public ImageCacheException(String message) {
    super(message);
  }

  public ImageCacheException(String message, Throwable cause) {
    super(message, cause);
  }
}
