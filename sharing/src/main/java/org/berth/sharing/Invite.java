package org.berth.sharing;

import java.time.Instant;

/**
 * An invite link to one server: whoever follows it and accepts, signed in, becomes a collaborator.
 * Only the SHA-256 of its secret is kept ({@code secretHash}); the secret is shown once. It can be
 * used many times until it expires or is revoked; {@code uses} counts acceptances.
 */
public record Invite(
    String id,
    String serverId,
    String secretHash,
    Instant createdAt,
    Instant expiresAt,
    int uses,
    boolean revoked) {

  public boolean usableAt(Instant now) {
    return !revoked && now.isBefore(expiresAt);
  }

  public Invite used() {
    return new Invite(id, serverId, secretHash, createdAt, expiresAt, uses + 1, revoked);
  }

  public Invite revoke() {
    return new Invite(id, serverId, secretHash, createdAt, expiresAt, uses, true);
  }
}
