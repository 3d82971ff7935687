package org.berth.volumes;

/**
 * Limits and names of the volumes domain: how many volumes a user may own, how much data all of
 * them may hold before new ones are refused (0: no limit), the instance id written on every volume,
 * and the largest repository a pull may bring into a volume.
 */
public record VolumeSettings(
    int maxVolumesPerUser, long quotaBytes, String instance, long maxPullBytes) {

  public VolumeSettings {
    if (maxVolumesPerUser < 1) {
      throw new IllegalArgumentException("a user may own at least one volume (their home)");
    }
  }
}
