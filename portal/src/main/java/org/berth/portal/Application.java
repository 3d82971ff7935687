package org.berth.portal;

import io.micronaut.runtime.Micronaut;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.info.Info;

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
    Micronaut.run(Application.class, args);
  }
}
