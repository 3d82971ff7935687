package org.berth.launch;

/**
 * Whether a server gets its owner's access token, the one rule of the credentials hand-over:
 *
 * <ul>
 *   <li>only the owner's own server, started for the owner: never a visitor's throw-away server,
 *       and never a collaborator's session on someone else's server (a collaborator acts as the
 *       owner inside it, so their own token must not go in, and the owner's is not theirs to ask
 *       for);
 *   <li>only when the server's launch asked for it and the owner confirmed, knowing what it means;
 *   <li>only for an owner who signs in through the identity provider: a local account has no token
 *       to hand over.
 * </ul>
 */
public final class CredentialsRule {

  private CredentialsRule() {}

  /** Who the server is being started or opened for. */
  public enum Session {
    /** The server's owner, signed in. */
    OWNER,
    /** A collaborator, on the owner's server. */
    COLLABORATOR,
    /** Someone without an account, on a public link's throw-away server. */
    VISITOR
  }

  /** The decision, and why, in words fit for the user. */
  public record Decision(boolean granted, String reason) {

    static Decision yes() {
      return new Decision(true, "The server gets your access token.");
    }

    static Decision no(String reason) {
      return new Decision(false, reason);
    }
  }

  /**
   * @param session who the server is started or opened for
   * @param asked whether the launch asked for the owner's credentials
   * @param confirmed whether the owner confirmed the hand-over
   * @param providerAccount whether the owner signs in through the identity provider
   */
  public static Decision decide(
      Session session, boolean asked, boolean confirmed, boolean providerAccount) {
    if (session == Session.VISITOR) {
      return Decision.no("A visitor's server never gets anyone's credentials.");
    }
    if (session == Session.COLLABORATOR) {
      return Decision.no(
          "Credentials go only into their owner's own server: a collaborator's session never"
              + " hands any over.");
    }
    if (!asked) {
      return Decision.no("The launch did not ask for your credentials.");
    }
    if (!providerAccount) {
      return Decision.no(
          "Your account signs in with a Berth password, so there is no identity-provider token to"
              + " hand over. Launch without passing credentials.");
    }
    if (!confirmed) {
      return Decision.no("Confirm first that the server may receive your access token.");
    }
    return Decision.yes();
  }
}
