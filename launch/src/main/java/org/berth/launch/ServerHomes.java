package org.berth.launch;

import java.util.List;

/**
 * The simplest mount plan: every server has a home volume of its own, {@code berth-home-{server
 * id}}, mounted at the image's home. The home outlives stops and recreations, and is deleted only
 * when its server is deleted with its data.
 */
public final class ServerHomes implements MountPlanner {

  /** Where the Jupyter images made here keep the notebook user's home. */
  public static final String HOME = "/home/jovyan";

  private final Launcher launcher;

  public ServerHomes(Launcher launcher) {
    this.launcher = launcher;
  }

  public static String homeVolume(String serverId) {
    return "berth-home-" + serverId;
  }

  @Override
  public List<Mount> mountsFor(Server server) {
    return List.of(Mount.of(HOME, homeVolume(server.serverId())));
  }

  @Override
  public void deleted(Server server, boolean deleteData) {
    if (deleteData) {
      launcher.deleteVolume(homeVolume(server.serverId()));
    }
  }

  @Override
  public void discarded(Server server) {
    launcher.deleteVolume(homeVolume(server.serverId()));
  }
}
