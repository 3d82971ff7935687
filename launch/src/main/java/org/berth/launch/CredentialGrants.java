package org.berth.launch;

/**
 * The servers whose owners asked for their credentials to be handed over, and confirmed it: by
 * owner and server name. The portal keeps them in its database. Implementations are thread-safe.
 */
public interface CredentialGrants {

  /** Whether the owner's server of that name gets the owner's token. */
  boolean granted(UserName owner, ServerName name);

  /** Records that the owner confirmed the hand-over for their server of that name. */
  void grant(UserName owner, ServerName name);

  /** The server no longer gets the token (asked without it, or deleted). Idempotent. */
  void revoke(UserName owner, ServerName name);
}
