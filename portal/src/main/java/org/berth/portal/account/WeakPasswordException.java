package org.berth.portal.account;

/** The password is too short or too long for the password hash. */
public class WeakPasswordException extends AccountException {

  public WeakPasswordException(String message) {
    super(message);
  }
}
