package org.berth.launch;

/** A user name breaks the user-name rule; the message says which part, in words fit for users. */
public class InvalidUserNameException extends IllegalArgumentException {

  public InvalidUserNameException(String message) {
    super(message);
  }
}
