package org.berth.sharing.archfixture;

import org.berth.launch.docker.DockerLauncher;

/**
 * A class of sharing that uses the launch module's Docker adapter: the layering rules must fail.
 */
public class UsesAdapter {
  public String container() {
    return DockerLauncher.containerName("x");
  }
}
