package org.berth.portal.auth;

/**
 * The one rule for where Berth may send a browser after sign-in or a hand-off: a path on the same
 * origin, never a scheme, a host or something a browser could read as one.
 *
 * <p>Browsers forgive a lot when they read a {@code Location}: they drop tabs and newlines, read
 * {@code \} as {@code /} and {@code //host} as another host. So anything but a plain absolute path
 * is refused, not repaired: {@code /%09/evil.example} (a tab once decoded), {@code //evil.example},
 * {@code https://evil.example} and {@code /\evil} all become {@code /}.
 */
public final class LocalRedirect {

  /** Where a refused or missing target leads. */
  public static final String HOME = "/";

  private static final int MAX_LENGTH = 2000;

  private LocalRedirect() {}

  /** {@code next} when it is a path on this origin, else {@link #HOME}. Never null. */
  public static String path(String next) {
    return isLocalPath(next) ? next : HOME;
  }

  /** Whether {@code next} (already percent-decoded once, as a query value is) is a local path. */
  public static boolean isLocalPath(String next) {
    if (next == null || next.isEmpty() || next.length() > MAX_LENGTH) {
      return false;
    }
    if (next.charAt(0) != '/') {
      return false; // a scheme, a relative path or nothing at all
    }
    for (int i = 0; i < next.length(); i++) {
      char c = next.charAt(i);
      // Browsers strip tab/CR/LF and read a backslash as a slash; whitespace and other control
      // characters have no business in a path Berth made either.
      if (c == '\\' || Character.isISOControl(c) || Character.isWhitespace(c) || c == '\u00a0') {
        return false;
      }
    }
    return next.length() == 1 || next.charAt(1) != '/';
  }
}
