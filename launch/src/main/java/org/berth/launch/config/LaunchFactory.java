package org.berth.launch.config;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.scheduling.TaskExecutors;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import org.berth.launch.ActivitySource;
import org.berth.launch.ImageSource;
import org.berth.launch.InstanceId;
import org.berth.launch.JupyterProbe;
import org.berth.launch.LaunchLimits;
import org.berth.launch.Launcher;
import org.berth.launch.MountPlanner;
import org.berth.launch.Resources;
import org.berth.launch.Routes;
import org.berth.launch.ServerHomes;
import org.berth.launch.ServerListener;
import org.berth.launch.ServerStore;
import org.berth.launch.Servers;
import org.berth.launch.ServersSettings;
import org.berth.launch.TemporaryServers;
import org.berth.launch.docker.DockerLauncher;

/**
 * Wires the servers domain for Micronaut from {@code berth.launch.*}: the limits, the one active
 * {@link Launcher} ({@code berth.launch.backend}), and {@link Servers}. The application provides
 * what the domain calls: a {@link ServerStore}, an {@link ImageSource}, {@link Routes}, {@link
 * ActivitySource}s and this Berth's {@link InstanceId}; a {@link MountPlanner} bean replaces the
 * one-home-per-server plan.
 */
@Factory
public class LaunchFactory {

  @Singleton
  LaunchLimits limits(LaunchProperties c) {
    return new LaunchLimits(
        Resources.parseMemory(c.getMaxMemory()),
        c.getMaxCpus(),
        c.getPidsLimit(),
        c.getMaxServersPerUser(),
        c.getMaxIdleTimeout(),
        c.getMaxAge(),
        c.getReadinessTimeout(),
        new Resources(
            Resources.parseMemory(c.getDefaultMemory()),
            c.getDefaultCpus(),
            c.getDefaultIdleTimeout(),
            c.getMaxAge()));
  }

  @Singleton
  @Requires(property = "berth.launch.backend", value = "docker", defaultValue = "docker")
  Launcher dockerLauncher(LaunchProperties c, LaunchLimits limits, InstanceId instance) {
    return new DockerLauncher(c.getDockerHost(), instance.value(), limits, c.getNetwork());
  }

  @Singleton
  @Requires(missingBeans = MountPlanner.class)
  @Bean(typed = MountPlanner.class)
  MountPlanner serverHomes(Launcher launcher) {
    return new ServerHomes(launcher);
  }

  /** Asks servers themselves for their activity (and the Docker back end for readiness). */
  @Singleton
  JupyterProbe jupyterProbe() {
    return new JupyterProbe(Duration.ofSeconds(2));
  }

  @Singleton
  ServersSettings settings(LaunchProperties c, LaunchLimits limits, InstanceId instance) {
    return new ServersSettings(
        limits,
        c.getDefaultImage(),
        c.getAllowedImagePrefix(),
        c.getOrphanGrace(),
        c.getMaxConcurrentStarts(),
        c.getMaxRunningServers(),
        instance.value());
  }

  @Singleton
  Servers servers(
      ServerStore store,
      Launcher launcher,
      ImageSource images,
      Routes routes,
      List<ActivitySource> activity,
      MountPlanner mounts,
      ServersSettings settings,
      @Named(TaskExecutors.BLOCKING) Executor background,
      List<ServerListener> listeners,
      List<TemporaryServers> temporary) {
    return new Servers(
        store,
        launcher,
        images,
        routes,
        activity,
        mounts,
        settings,
        background,
        Clock.systemUTC(),
        listeners,
        temporary);
  }
}
