package org.berth.portal.auth;

import java.util.Locale;
import org.berth.portal.account.AccountException;

/** What an API token may do. */
public enum TokenScope {
  /** Everything its user may do through the API, including making tokens. */
  FULL,
  /** Only {@code /api/v1/servers} and the user's servers' own origins. */
  SERVERS;

  /** As stored and shown: {@code full}, {@code servers}. */
  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Reads a scope as a user writes it; empty means {@link #FULL}.
   *
   * @throws AccountException for any other word
   */
  public static TokenScope parse(String text) {
    if (text == null || text.isBlank()) {
      return FULL;
    }
    for (TokenScope s : values()) {
      if (s.value().equals(text.strip().toLowerCase(Locale.ROOT))) {
        return s;
      }
    }
    throw new AccountException(
        "A token's scope is 'full' (everything you may do) or 'servers' (only your servers), not '"
            + text.strip()
            + "'.");
  }

  /** Whether a request to this path (of the portal) is within the scope. */
  public boolean allows(String path) {
    return this == FULL || path.equals("/api/v1/servers") || path.startsWith("/api/v1/servers/");
  }
}
