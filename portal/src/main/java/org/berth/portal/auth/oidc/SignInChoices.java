package org.berth.portal.auth.oidc;

import io.micronaut.context.BeanProvider;
import io.micronaut.http.HttpRequest;
import jakarta.inject.Singleton;
import java.util.Optional;
import org.berth.portal.account.AccountsConfiguration;
import org.berth.portal.account.UserAccount;
import org.berth.portal.auth.CurrentUser;

/**
 * How people sign in to this Berth, as the sign-in pages need it: through the identity provider
 * (when {@code berth.oidc.enabled}), with a Berth password (all, administrators only, or nobody:
 * {@code berth.oidc.local-sign-in}), and where sign-out sends the browser (the provider's own
 * sign-out, so that its session ends too). Present whether or not the provider is on.
 */
@Singleton
public class SignInChoices {

  private final OidcSettings settings;
  private final AccountsConfiguration accounts;
  private final BeanProvider<OidcSignOut> signOut;

  SignInChoices(
      OidcSettings settings, AccountsConfiguration accounts, BeanProvider<OidcSignOut> signOut) {
    this.settings = settings;
    this.accounts = accounts;
    this.signOut = signOut;
  }

  /** Whether the sign-in page offers the identity provider. */
  public boolean isProviderEnabled() {
    return settings.isEnabled();
  }

  /** The provider's name, as on its button. */
  public String getProviderName() {
    return settings.getDisplayName();
  }

  /**
   * The provider's origin ({@code http://host:port}), when sign-in through it is on: Berth's pages
   * send forms there (sign-out continues at the provider).
   */
  public Optional<String> providerOrigin() {
    if (!settings.isEnabled() || settings.getIssuer().isBlank()) {
      return Optional.empty();
    }
    try {
      java.net.URI issuer = java.net.URI.create(settings.getIssuer().strip());
      if (issuer.getScheme() == null || issuer.getRawAuthority() == null) {
        return Optional.empty();
      }
      return Optional.of(issuer.getScheme() + "://" + issuer.getRawAuthority());
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Where sign-in through the provider starts. */
  public String getProviderLoginPath() {
    return "/oauth/login/" + OidcSettings.CLIENT;
  }

  /** Whether the sign-in page shows the user-name and password form. */
  public boolean isLocalShown() {
    return !settings.isEnabled() || settings.getLocalSignIn() != LocalSignIn.NONE;
  }

  /** Whether people may create local accounts themselves. */
  public boolean isSignupOpen() {
    return accounts.isSignupEnabled()
        && (!settings.isEnabled() || settings.getLocalSignIn() == LocalSignIn.ALL);
  }

  /** Why this local account may not sign in with its password here, if it may not. */
  public Optional<String> localRefusal(UserAccount account) {
    if (!settings.isEnabled() || settings.getLocalSignIn() == LocalSignIn.ALL) {
      return Optional.empty();
    }
    if (settings.getLocalSignIn() == LocalSignIn.ADMINS && account.admin()) {
      return Optional.empty();
    }
    return Optional.of(
        "Sign in with "
            + settings.getDisplayName()
            + ": on this Berth, "
            + (settings.getLocalSignIn() == LocalSignIn.ADMINS
                ? "only administrators sign in with a Berth password."
                : "nobody signs in with a Berth password."));
  }

  /**
   * Where the browser goes once Berth's own session of this request is ended: the provider's
   * sign-out page (which comes back to Berth's sign-in page) for a session that signed in through
   * it, else Berth's sign-in page. Also stops handing the user's token to their servers. Call it
   * before the session itself is ended.
   */
  public String afterSignOut(HttpRequest<?> request, CurrentUser user) {
    String local = "/login?signedout=1";
    if (!settings.isEnabled()) {
      return local;
    }
    return signOut.find(null).flatMap(s -> s.signOut(request, user, local)).orElse(local);
  }
}
