package org.berth.launch.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.time.Duration;

/** The Docker back end's engine clients. */
final class DockerClients {

  private DockerClients() {}

  /**
   * A client of the engine at {@code dockerHost} (e.g. {@code unix:///var/run/docker.sock}) with up
   * to {@code maxConnections} at once, each answer awaited at most {@code responseTimeout}.
   */
  static DockerClient connect(String dockerHost, int maxConnections, Duration responseTimeout) {
    DefaultDockerClientConfig config =
        DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(dockerHost).build();
    return DockerClientImpl.getInstance(
        config,
        new ApacheDockerHttpClient.Builder()
            .dockerHost(config.getDockerHost())
            .maxConnections(maxConnections)
            .connectionTimeout(Duration.ofSeconds(5))
            .responseTimeout(responseTimeout)
            .build());
  }
}
