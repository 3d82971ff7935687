package org.berth.volumes.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/** {@code berth.volumes.*}: limits and the Docker back end of volumes. */
@ConfigurationProperties("berth.volumes")
public interface VolumesProperties {

  /** Volumes a user may own, their home included. */
  @Bindable(defaultValue = "10")
  int getMaxPerUser();

  /**
   * Data all of a user's volumes may hold before new volumes are refused ({@code 0}: no limit).
   * Docker's local volumes cannot cap a volume's size; Berth shows usage and refuses new volumes.
   */
  @Bindable(defaultValue = "10G")
  String getQuota();

  /** The largest repository a git seed may bring into a volume. */
  @Bindable(defaultValue = "200M")
  String getMaxPullSize();

  /** The Docker engine's address. */
  @Bindable(defaultValue = "unix:///var/run/docker.sock")
  String getDockerHost();

  /**
   * An image on the engine used to reach volumes' files (never run); empty: the launch default
   * image.
   */
  @Bindable(defaultValue = "")
  String getHelperImage();
}
