package org.berth.portal.servers;

import org.berth.launch.LaunchException;

/** The caller has no server of that name. */
public class ServerNotFoundException extends LaunchException {

  public ServerNotFoundException(String name) {
    super("You have no server named " + name + ".");
  }
}
