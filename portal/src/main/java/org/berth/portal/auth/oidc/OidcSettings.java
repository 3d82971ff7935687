package org.berth.portal.auth.oidc;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * {@code berth.oidc.*}: sign-in through an OpenID Connect provider (Keycloak, or any other), next
 * to local accounts or instead of them. The provider itself is Micronaut's OAuth 2.0 client {@value
 * #CLIENT}, which {@code application.yml} fills from {@link #getIssuer()}, {@link #getClientId()}
 * and {@link #getClientSecret()}.
 */
@ConfigurationProperties("berth.oidc")
public interface OidcSettings {

  /** The name of Micronaut's client: sign-in starts at {@code /oauth/login/keycloak}. */
  String CLIENT = "keycloak";

  /** Whether users sign in through the provider. */
  @Bindable(defaultValue = "false")
  boolean isEnabled();

  /** The provider's issuer, e.g. {@code http://127.0.0.1:8180/realms/berth}. */
  @Bindable(defaultValue = "")
  String getIssuer();

  /** Berth's client id at the provider. */
  @Bindable(defaultValue = "berth")
  String getClientId();

  /** Berth's client secret at the provider (empty for a public client). */
  @Bindable(defaultValue = "")
  String getClientSecret();

  /** The provider's name on the sign-in button ("Sign in with ..."). */
  @Bindable(defaultValue = "Keycloak")
  String getDisplayName();

  /**
   * The claim Berth user names come from. It must be stable and unique per user at the provider;
   * the value must follow Berth's user-name rule as it is (it is never rewritten).
   */
  @Bindable(defaultValue = "preferred_username")
  String getUsernameClaim();

  /** The claim holding the user's groups (Keycloak: a group-membership mapper). */
  @Bindable(defaultValue = "groups")
  String getGroupsClaim();

  /** Where the user's roles are, as a dotted path into the access or ID token. */
  @Bindable(defaultValue = "realm_access.roles")
  String getRolesClaim();

  /** The role that makes a user one of Berth's administrators (empty: none does). */
  @Bindable(defaultValue = "berth-admin")
  String getAdminRole();

  /** Who may still sign in with a Berth password while the provider is on. */
  @Bindable(defaultValue = "ALL")
  LocalSignIn getLocalSignIn();

  /** How far the provider's clock may be from Berth's when tokens are checked. */
  @Bindable(defaultValue = "30s")
  Duration getClockSkew();

  /** How long Berth waits to connect to the provider before it says the provider is down. */
  @Bindable(defaultValue = "3s")
  Duration getProbeTimeout();
}
