package org.berth.launch;

import java.util.List;
import java.util.function.Consumer;

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
  public void check(Principal owner, ServerName name, ServerSpec spec) {
    if (!spec.mounts().isEmpty()) {
      throw new LaunchException.InvalidMount("This Berth has no volumes to mount.");
    }
  }

  @Override
  public List<Mount> mountsFor(Principal owner, Server server, Consumer<LaunchEvent> events) {
    return List.of(Mount.of(HOME, homeVolume(server.serverId())));
  }

  @Override
  public void deleted(Server server, boolean deleteData) {
    if (deleteData) {
      launcher.deleteVolume(homeVolume(server.serverId()));
    }
  }

  @Override
  public List<String> dataOf(Server server) {
    return List.of("its home folder (/home/jovyan) and every file in it");
  }

  @Override
  public void discarded(Server server) {
    launcher.deleteVolume(homeVolume(server.serverId()));
  }
}
