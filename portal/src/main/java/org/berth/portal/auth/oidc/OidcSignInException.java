package org.berth.portal.auth.oidc;

/**
 * Why a sign-in through the identity provider was refused. Every message is fit to show to the
 * user: it says what happened and what to do, and never holds a token.
 */
public class OidcSignInException extends RuntimeException {

  OidcSignInException(String message) {
    super(message);
  }

  OidcSignInException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The provider does not answer (down, or unreachable from Berth). */
  public static final class ProviderUnavailable extends OidcSignInException {
    ProviderUnavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * A token from the provider failed a check: its signature, issuer, audience, time or nonce. Such
   * an answer was changed on the way, is old, or was meant for someone else.
   */
  public static final class InvalidToken extends OidcSignInException {
    InvalidToken(String message) {
      super(message);
    }
  }

  /**
   * The answer to a sign-in does not belong to a sign-in this browser started, or was used before
   * (a replayed state, nonce or code).
   */
  public static final class Replayed extends OidcSignInException {
    Replayed(String message) {
      super(message);
    }
  }

  /**
   * The identity cannot become or stay the Berth account its claim names: the name is another
   * account's, it changed for this identity, or it breaks Berth's user-name rule. Never merged.
   */
  public static final class AccountRefused extends OidcSignInException {
    AccountRefused(String message) {
      super(message);
    }
  }

  /** The user, or the provider, ended the sign-in at the provider. */
  public static final class Cancelled extends OidcSignInException {
    Cancelled(String message) {
      super(message);
    }
  }
}
