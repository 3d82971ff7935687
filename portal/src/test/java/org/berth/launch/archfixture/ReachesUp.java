package org.berth.launch.archfixture;

import org.berth.portal.Application;

/** A class in the servers domain that reaches up into the portal: the layering rules must fail. */
public class ReachesUp {
  public Class<?> up() {
    return Application.class;
  }
}
