package org.berth.portal.auth.oidc;

/** Who may sign in with a Berth password while sign-in through a provider is on. */
public enum LocalSignIn {
  /** Everyone with a local account (and sign-up stays as configured). */
  ALL,
  /** Local administrators only: a way in when the provider is down. No sign-up. */
  ADMINS,
  /** Nobody: the provider is the only way in. No sign-up. */
  NONE
}
