package org.berth.portal.account;

/** Root of what can go wrong with accounts; every message is fit to show to the user. */
public class AccountException extends RuntimeException {

  public AccountException(String message) {
    super(message);
  }
}
