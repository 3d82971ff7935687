package org.berth.sharing.config;

import io.micronaut.context.annotation.Factory;
import io.micronaut.scheduling.TaskExecutors;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import org.berth.launch.ActivitySource;
import org.berth.launch.Launcher;
import org.berth.launch.MountPlanner;
import org.berth.launch.Resources;
import org.berth.launch.Routes;
import org.berth.launch.Server;
import org.berth.launch.ServerListener;
import org.berth.launch.ServerStore;
import org.berth.sharing.AccessListener;
import org.berth.sharing.LaunchLinks;
import org.berth.sharing.ShareStore;
import org.berth.sharing.Sharing;
import org.berth.sharing.VisitSettings;
import org.berth.sharing.Visits;

/**
 * Wires sharing for Micronaut: {@link Visits} on the servers' back end and routes, and {@link
 * Sharing}. The application provides a {@link ShareStore}.
 */
@Factory
public class SharingFactory {

  @Singleton
  Visits visits(
      Launcher launcher,
      Routes routes,
      MountPlanner mounts,
      List<ActivitySource> activity,
      VisitsProperties p,
      @Named(TaskExecutors.BLOCKING) Executor background) {
    return new Visits(
        launcher,
        routes,
        mounts,
        activity,
        new VisitSettings(
            p.getLifetime(),
            p.getIdleTimeout(),
            p.getMaxPerLink(),
            p.getMaxOverall(),
            new Resources(
                Resources.parseMemory(p.getMemory()), p.getCpus(), Duration.ZERO, Duration.ZERO)),
        background,
        Clock.systemUTC());
  }

  @Singleton
  Sharing sharing(
      ShareStore store, ServerStore servers, Visits visits, List<AccessListener> listeners) {
    return new Sharing(store, servers, visits::sessionOf, Clock.systemUTC(), listeners);
  }

  @Singleton
  LaunchLinks launchLinks(ShareStore store) {
    return new LaunchLinks(store, Clock.systemUTC());
  }

  /** What was shared about a deleted server goes with it. */
  @Singleton
  ServerListener forgetSharing(ShareStore store) {
    return new ServerListener() {
      @Override
      public void deleted(Server server) {
        store.forgetServer(server.serverId());
      }
    };
  }
}
