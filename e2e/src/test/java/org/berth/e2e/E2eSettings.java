package org.berth.e2e;

import java.nio.file.Path;

/** Where the journeys find the portal jar and put their logs, screenshots and data. */
final class E2eSettings {

  private E2eSettings() {}

  /** The module's build directory ({@code e2e/target}); Failsafe passes it in. */
  static Path targetDir() {
    String configured = System.getProperty("berth.e2e.targetDir");
    return (configured == null ? Path.of("target") : Path.of(configured))
        .toAbsolutePath()
        .normalize();
  }

  /** The shaded portal jar that the reactor packages before e2e's integration tests run. */
  static Path portalJar() {
    String configured = System.getProperty("berth.e2e.portalJar");
    return (configured == null
            ? Path.of("..", "portal", "target", "berth-portal-0.1.0-SNAPSHOT-all.jar")
            : Path.of(configured))
        .toAbsolutePath()
        .normalize();
  }

  /** A file name made only of safe characters. */
  static String fileName(String raw) {
    return raw.replaceAll("[^A-Za-z0-9._-]", "_");
  }
}
