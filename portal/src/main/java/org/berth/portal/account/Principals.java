package org.berth.portal.account;

import jakarta.inject.Singleton;
import org.berth.launch.Principal;
import org.berth.launch.UserName;
import org.berth.portal.auth.CurrentUser;

/** The signed-in user as the domains see them: their name and their groups, read at each call. */
@Singleton
public class Principals {

  private final UserGroups groups;

  Principals(UserGroups groups) {
    this.groups = groups;
  }

  public Principal of(CurrentUser user) {
    return new Principal(new UserName(user.username()), groups.of(user.username()));
  }
}
