package org.berth.launch.config;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import org.berth.launch.InstanceId;
import org.berth.launch.ServerFiles;
import org.berth.launch.docker.DockerServerFiles;

/** The {@link ServerFiles} of the active back end (for the credentials hand-over). */
@Factory
public class ServerFilesFactory {

  @Singleton
  @Requires(property = "berth.launch.backend", value = "docker", defaultValue = "docker")
  ServerFiles dockerServerFiles(LaunchProperties launch, InstanceId instance) {
    return new DockerServerFiles(launch.getDockerHost(), instance.value());
  }
}
