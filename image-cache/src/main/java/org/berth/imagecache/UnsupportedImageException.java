package org.berth.imagecache;

/** The registry holds the image in a form Berth cannot build on (an index, an unreadable JSON). */
public class UnsupportedImageException extends ImageCacheException {
  public UnsupportedImageException(String message) {
    super(message);
  }

  public UnsupportedImageException(String message, Throwable cause) {
    super(message, cause);
  }
}
