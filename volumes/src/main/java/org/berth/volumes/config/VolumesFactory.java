package org.berth.volumes.config;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Primary;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.time.Clock;
import org.berth.launch.InstanceId;
import org.berth.launch.MountPlanner;
import org.berth.launch.Resources;
import org.berth.launch.ServerStore;
import org.berth.volumes.SeedSource;
import org.berth.volumes.VolumeBackend;
import org.berth.volumes.VolumeMounts;
import org.berth.volumes.VolumeSettings;
import org.berth.volumes.VolumeStore;
import org.berth.volumes.Volumes;
import org.berth.volumes.docker.DockerVolumes;

/**
 * Wires the volumes domain for Micronaut: Docker named volumes, {@link Volumes}, and {@link
 * VolumeMounts} as the servers' mount plan. The application provides a {@link VolumeStore} and a
 * {@link SeedSource}.
 */
@Factory
public class VolumesFactory {

  @Singleton
  VolumeSettings settings(VolumesProperties p, InstanceId instance) {
    return new VolumeSettings(
        p.getMaxPerUser(),
        p.getQuota().isBlank() || p.getQuota().strip().equals("0")
            ? 0
            : Resources.parseMemory(p.getQuota()),
        instance.value(),
        Resources.parseMemory(p.getMaxPullSize()));
  }

  @Singleton
  VolumeBackend dockerVolumes(
      VolumesProperties p,
      VolumeSettings settings,
      @Value("${berth.launch.default-image:}") String defaultImage) {
    String helper = p.getHelperImage().isBlank() ? defaultImage : p.getHelperImage();
    return new DockerVolumes(p.getDockerHost(), helper, settings.maxPullBytes() * 4);
  }

  @Singleton
  Volumes volumes(
      VolumeStore store, VolumeBackend backend, ServerStore servers, VolumeSettings settings) {
    return new Volumes(store, backend, servers, settings, Clock.systemUTC());
  }

  @Singleton
  @Primary
  MountPlanner volumeMounts(Volumes volumes, SeedSource seeds) {
    return new VolumeMounts(volumes, seeds);
  }
}
