package org.berth.portal.servers;

import org.berth.launch.LaunchException;

/** The user already has as many servers as allowed. */
public class TooManyServersException extends LaunchException.LimitExceeded {

  public TooManyServersException(String message) {
    super(message);
  }
}
