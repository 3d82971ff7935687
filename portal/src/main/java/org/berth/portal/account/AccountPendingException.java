package org.berth.portal.account;

/** The password is right, but an admin has not yet approved the account. */
public class AccountPendingException extends AccountException {

  public AccountPendingException() {
    super(
        "Your account waits for an administrator's approval. You can sign in once it is"
            + " approved.");
  }
}
