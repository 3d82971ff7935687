package org.berth.launch.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/** {@code berth.launch.*}: the launcher back end, limits and defaults for named servers. */
@ConfigurationProperties("berth.launch")
public interface LaunchProperties {

  /** Which back end runs servers: {@code docker} (Kubernetes comes later). */
  @Bindable(defaultValue = "docker")
  String getBackend();

  /** The Docker engine's address. */
  @Bindable(defaultValue = "unix:///var/run/docker.sock")
  String getDockerHost();

  /**
   * Labels this Berth's containers, so that two Berths on one engine leave each other alone. Empty
   * (the default): an id generated at first start and kept in Berth's database.
   */
  @Bindable(defaultValue = "")
  String getInstanceId();

  /** The Docker network servers run on (made, with traffic between containers off, if missing). */
  @Bindable(defaultValue = "berth-servers")
  String getNetwork();

  /** Servers running (or starting) at once, over all users; more launches get 429. 0: no cap. */
  @Bindable(defaultValue = "100")
  int getMaxRunningServers();

  /** Images a launch may name directly must start with this (the local registry). */
  @Bindable(defaultValue = "127.0.0.1:5000/")
  String getAllowedImagePrefix();

  /** The image a launch runs when it names none. */
  @Bindable(defaultValue = "")
  String getDefaultImage();

  @Bindable(defaultValue = "4G")
  String getMaxMemory();

  @Bindable(defaultValue = "2")
  double getMaxCpus();

  @Bindable(defaultValue = "512")
  long getPidsLimit();

  @Bindable(defaultValue = "5")
  int getMaxServersPerUser();

  @Bindable(defaultValue = "24h")
  Duration getMaxIdleTimeout();

  @Bindable(defaultValue = "7d")
  Duration getMaxAge();

  @Bindable(defaultValue = "60s")
  Duration getReadinessTimeout();

  @Bindable(defaultValue = "1G")
  String getDefaultMemory();

  @Bindable(defaultValue = "1")
  double getDefaultCpus();

  @Bindable(defaultValue = "1h")
  Duration getDefaultIdleTimeout();

  /** How long a container Berth owns but does not know may live before it is removed. */
  @Bindable(defaultValue = "5m")
  Duration getOrphanGrace();

  /**
   * Servers starting at once (from container start to ready); more launches wait for a slot, so
   * that a crowd of launches does not starve every server of CPU. {@code 0} means twice the
   * processors.
   */
  @Bindable(defaultValue = "0")
  int getMaxConcurrentStarts();
}
