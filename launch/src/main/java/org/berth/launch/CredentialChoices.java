package org.berth.launch;

/**
 * Records a launch's credentials choice for the owner's server of a name, just before it is
 * launched. A running server that did not have the token gets it only by starting anew with the
 * token's volume, so it is stopped first (its files are kept) and the launch starts it again.
 */
public final class CredentialChoices {

  private final CredentialGrants grants;
  private final ServerStore store;
  private final Servers servers;

  public CredentialChoices(CredentialGrants grants, ServerStore store, Servers servers) {
    this.grants = grants;
    this.store = store;
    this.servers = servers;
  }

  /**
   * Grants or takes back the token for the owner's server {@code name}, as {@code decision} says.
   */
  public void record(Principal owner, ServerName name, CredentialsRule.Decision decision) {
    if (!decision.granted()) {
      grants.revoke(owner.name(), name);
      return;
    }
    boolean had = grants.granted(owner.name(), name);
    grants.grant(owner.name(), name);
    boolean running =
        store.find(owner.name(), name).map(s -> s.is(ServerState.RUNNING)).orElse(false);
    if (!had && running) {
      servers.stop(owner, name.value());
    }
  }
}
