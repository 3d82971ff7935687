package org.berth.launch;

import java.time.Duration;

/**
 * How the servers domain runs: the limits and defaults of every server, the image a launch runs
 * when it names none (empty: none), the prefix a named image must have, how long an unknown
 * back-end server of this instance lives before it is removed, how many servers may start at once
 * (0: twice the processors) and run at once (0: no cap), and this Berth's instance id.
 */
public record ServersSettings(
    LaunchLimits limits,
    String defaultImage,
    String allowedImagePrefix,
    Duration orphanGrace,
    int maxConcurrentStarts,
    int maxRunningServers,
    String instance) {

  public ServersSettings {
    defaultImage = defaultImage == null ? "" : defaultImage.strip();
    allowedImagePrefix = allowedImagePrefix == null ? "" : allowedImagePrefix;
    if (instance == null || instance.isBlank()) {
      throw new IllegalArgumentException("an instance id is needed");
    }
  }
}
