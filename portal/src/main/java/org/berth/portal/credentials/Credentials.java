package org.berth.portal.credentials;

import jakarta.inject.Singleton;
import java.util.Optional;
import org.berth.launch.CredentialGrants;
import org.berth.launch.CredentialsRule;
import org.berth.launch.Principal;
import org.berth.launch.ServerName;
import org.berth.launch.ServerState;
import org.berth.launch.ServerStore;
import org.berth.launch.Servers;
import org.berth.portal.account.AccountService;
import org.berth.portal.account.UserAccount;
import org.berth.portal.auth.CurrentUser;

/**
 * The credentials choice of a launch, as the launch form makes it: asked, confirmed, allowed by
 * {@link CredentialsRule}, then recorded for the server (and a running server without the token's
 * volume stopped, so that the launch starts it with one).
 */
@Singleton
public class Credentials {

  private final CredentialGrants grants;
  private final AccountService accounts;
  private final ServerStore store;
  private final Servers servers;

  Credentials(
      CredentialGrants grants, AccountService accounts, ServerStore store, Servers servers) {
    this.grants = grants;
    this.accounts = accounts;
    this.store = store;
    this.servers = servers;
  }

  /** The rule's decision for the signed-in owner launching their own server. */
  public CredentialsRule.Decision decide(CurrentUser owner, boolean asked, boolean confirmed) {
    boolean providerAccount =
        accounts.find(owner.id()).map(UserAccount::authSource).filter("oidc"::equals).isPresent();
    return CredentialsRule.decide(CredentialsRule.Session.OWNER, asked, confirmed, providerAccount);
  }

  /**
   * Records the choice for the owner's server of that name, before it is launched. A server that
   * runs without the token's volume and now gets the token is stopped first, so that the launch
   * starts it anew (its files are kept).
   */
  public void apply(Principal owner, String name, CredentialsRule.Decision decision) {
    ServerName server = new ServerName(name);
    if (!decision.granted()) {
      grants.revoke(owner.name(), server);
      return;
    }
    boolean had = grants.granted(owner.name(), server);
    grants.grant(owner.name(), server);
    Optional<org.berth.launch.Server> existing = store.find(owner.name(), server);
    if (!had && existing.map(s -> s.is(ServerState.RUNNING)).orElse(false)) {
      servers.stop(owner, name);
    }
  }

  /** Whether the owner's server of that name gets their token. */
  public boolean granted(Principal owner, String name) {
    try {
      return grants.granted(owner.name(), new ServerName(name));
    } catch (RuntimeException e) {
      return false;
    }
  }
}
