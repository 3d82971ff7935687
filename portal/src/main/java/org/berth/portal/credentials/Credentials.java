package org.berth.portal.credentials;

import jakarta.inject.Singleton;
import org.berth.launch.CredentialChoices;
import org.berth.launch.CredentialGrants;
import org.berth.launch.CredentialsRule;
import org.berth.launch.Principal;
import org.berth.launch.ServerName;
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
  private final CredentialChoices choices;

  Credentials(CredentialGrants grants, AccountService accounts, CredentialChoices choices) {
    this.grants = grants;
    this.accounts = accounts;
    this.choices = choices;
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
    choices.record(owner, new ServerName(name), decision);
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
