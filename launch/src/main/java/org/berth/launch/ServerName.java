package org.berth.launch;

import java.util.regex.Pattern;

/**
 * A server's name: lowercase letters, digits and hyphens, 1–30 characters, starting with a letter
 * (JupyterHub's rule for named servers). It appears in URLs and container names.
 */
public record ServerName(String value) {

  public static final int MAX_LENGTH = 30;
  private static final Pattern RULE = Pattern.compile("[a-z][a-z0-9-]*");

  public ServerName {
    if (value == null || value.isEmpty()) {
      throw new LaunchException.InvalidServerName("Give the server a name.");
    }
    if (value.length() > MAX_LENGTH) {
      throw new LaunchException.InvalidServerName(
          "A server name has at most " + MAX_LENGTH + " characters.");
    }
    if (!RULE.matcher(value).matches()) {
      throw new LaunchException.InvalidServerName(
          "A server name uses lowercase letters, digits and hyphens, and starts with a letter.");
    }
  }

  /**
   * A valid name made from any text (a repository's name, say): lowercased, runs of other
   * characters turned into one hyphen, prefixed when it does not start with a letter, cut to the
   * length limit; {@code fallback} when nothing is left.
   */
  public static ServerName suggest(String text, String fallback) {
    String name =
        (text == null ? "" : text)
            .toLowerCase(java.util.Locale.ROOT)
            .replaceAll("[^a-z0-9]+", "-")
            .replaceAll("^-+|-+$", "");
    if (name.isEmpty()) {
      return new ServerName(fallback);
    }
    if (!Character.isLetter(name.charAt(0))) {
      name = fallback + "-" + name;
    }
    if (name.length() > MAX_LENGTH) {
      name = name.substring(0, MAX_LENGTH).replaceAll("-+$", "");
    }
    return new ServerName(name);
  }

  @Override
  public String toString() {
    return value;
  }
}
