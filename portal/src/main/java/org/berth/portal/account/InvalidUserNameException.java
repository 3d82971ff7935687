package org.berth.portal.account;

/** The user name breaks the user-name rule. */
public class InvalidUserNameException extends AccountException {

  public InvalidUserNameException(String message) {
    super(message);
  }
}
