package org.berth.portal.account;

import org.berth.launch.UserName;

/** Somebody already has this user name. */
public class UserNameTakenException extends AccountException {

  public UserNameTakenException(UserName name) {
    super("The user name " + name + " is taken. Choose another.");
  }
}
