package org.berth.portal;

import io.micronaut.runtime.Micronaut;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.info.Info;
import java.util.Optional;

/** Starts the Berth portal: web pages, REST API, sign-in and the proxy to servers. */
@OpenAPIDefinition(
    info =
        @Info(
            title = "Berth",
            version = "0.1",
            description = "Build images from git repositories and launch named servers."))
public final class Application {

  private Application() {}

  public static void main(String[] args) {
    Optional<String> problem = DataDirLock.acquire(DataDirLock.dataDir(args));
    if (problem.isPresent()) {
      System.err.println(problem.get());
      System.exit(1);
    }
    Micronaut.run(Application.class, args);
  }
}
