package org.berth.launch;

import java.util.regex.Pattern;

/**
 * A Berth user name: lowercase letters, digits and hyphens, starting with a letter, at most 40
 * characters. The same rule holds everywhere because user names appear in URLs, container names and
 * mount paths. It lives in the servers domain, the lowest module that names users, so that volumes,
 * sharing and the portal share one rule.
 */
public record UserName(String value) {

  public static final int MAX_LENGTH = 40;
  private static final Pattern RULE = Pattern.compile("[a-z][a-z0-9-]*");

  public UserName {
    if (value == null || value.isEmpty()) {
      throw new InvalidUserNameException("Choose a user name.");
    }
    if (value.length() > MAX_LENGTH) {
      throw new InvalidUserNameException("A user name has at most " + MAX_LENGTH + " characters.");
    }
    if (!RULE.matcher(value).matches()) {
      throw new InvalidUserNameException(
          "A user name uses lowercase letters, digits and hyphens, and starts with a letter.");
    }
    if (value.endsWith("-") || value.contains("--")) {
      throw new InvalidUserNameException(
          "A user name cannot end with a hyphen or hold two hyphens in a row.");
    }
  }

  /**
   * Names Berth runs things under itself, which no account may take: visitors' temporary servers
   * run under {@code visitor}.
   */
  public static final java.util.Set<String> RESERVED = java.util.Set.of("visitor");

  /**
   * Parses the name of a new account: as {@link #parse}, and not one of the {@link #RESERVED}.
   *
   * @throws InvalidUserNameException for a name that breaks the rule or is reserved
   */
  public static UserName forNewAccount(String raw) {
    UserName name = parse(raw);
    if (RESERVED.contains(name.value())) {
      throw new InvalidUserNameException(
          "'" + name + "' is a name Berth uses itself; choose another user name.");
    }
    return name;
  }

  /** Parses user input as typed; surrounding blanks are ignored, nothing else is changed. */
  public static UserName parse(String raw) {
    return new UserName(raw == null ? null : raw.strip());
  }

  @Override
  public String toString() {
    return value;
  }
}
