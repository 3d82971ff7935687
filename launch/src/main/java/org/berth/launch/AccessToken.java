package org.berth.launch;

import java.time.Instant;
import java.util.Objects;

/**
 * A short-lived access token from the identity provider, handed to a server whose owner asked for
 * it. Its value is a secret: {@link #toString()} never shows it, and nothing may log it.
 */
public record AccessToken(String value, Instant expiresAt) {

  public AccessToken {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("an access token has a value");
    }
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  @Override
  public String toString() {
    return "AccessToken[expires " + expiresAt + "]";
  }
}
