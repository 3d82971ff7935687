package org.berth.portal.servers;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import org.berth.launch.LaunchLimits;
import org.berth.launch.Launcher;
import org.berth.launch.Resources;
import org.berth.launch.docker.DockerLauncher;

/** Makes the one active {@link Launcher} and the limits from {@code berth.launch.*}. */
@Factory
class LaunchFactory {

  @Singleton
  LaunchLimits limits(LaunchConfiguration c) {
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
  Launcher dockerLauncher(LaunchConfiguration c, LaunchLimits limits) {
    return new DockerLauncher(c.getDockerHost(), c.getInstanceId(), limits);
  }
}
