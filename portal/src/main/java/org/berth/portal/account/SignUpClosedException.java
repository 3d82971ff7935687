package org.berth.portal.account;

/** Sign-up is turned off by configuration. */
public class SignUpClosedException extends AccountException {

  public SignUpClosedException() {
    super("Sign-up is turned off on this Berth. Ask an administrator for an account.");
  }
}
