package org.berth.imagecache.testing;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.WaitStrategy;
import org.testcontainers.utility.DockerImageName;

/**
 * A container of one of the {@link TestImages}, started with Testcontainers for tests: its port
 * published on 127.0.0.1 only (a free port the engine picks), labelled {@code org.berth.test=ROLE},
 * and removed by {@link #close()} or, should the test never get there, by a JVM shutdown hook
 * (Ryuk, Testcontainers' reaper, is off here: its image cannot be pulled). Starting fails loudly,
 * with the container's log, when the container does not become ready.
 */
public final class LocalContainer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LocalContainer.class);

  /** The label on every container the test support starts (value: its role). */
  public static final String LABEL = "org.berth.test";

  private final String role;
  private final GenericContainer<?> container;
  private final int port;
  private final Thread hook;

  private LocalContainer(String role, GenericContainer<?> container, int port) {
    this.role = role;
    this.container = container;
    this.port = port;
    this.hook = new Thread(container::stop, "remove-test-" + role);
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /**
   * Starts a container of {@code image} and waits until {@code ready} says it serves on {@code
   * port}.
   *
   * @param role what the container is for, e.g. {@code registry} (its label and messages)
   */
  public static LocalContainer start(
      String role, String image, int port, WaitStrategy ready, Duration timeout) {
    GenericContainer<?> container =
        new GenericContainer<>(DockerImageName.parse(image))
            .withExposedPorts(port)
            .withLabel(LABEL, role)
            .withCreateContainerCmdModifier(
                cmd ->
                    cmd.getHostConfig()
                        .withPublishAllPorts(false)
                        .withPortBindings(
                            new PortBinding(
                                Ports.Binding.bindIp("127.0.0.1"), ExposedPort.tcp(port))))
            .waitingFor(ready.withStartupTimeout(timeout));
    long begin = System.nanoTime();
    try {
      container.start();
    } catch (RuntimeException e) {
      String logs = logsOf(container);
      container.stop();
      throw new IllegalStateException(
          "The test "
              + role
              + " (a container of "
              + image
              + ") did not start: "
              + e.getMessage()
              + (logs.isBlank() ? "" : "\nIts log:\n" + logs),
          e);
    }
    LocalContainer started = new LocalContainer(role, container, container.getMappedPort(port));
    LOG.info(
        "Test {} from {} on {} ready in {} ms",
        role,
        image,
        started.address(),
        (System.nanoTime() - begin) / 1_000_000);
    return started;
  }

  /** The port on 127.0.0.1 the container's port is published on. */
  public int port() {
    return port;
  }

  /** {@code 127.0.0.1:PORT}. */
  public String address() {
    return "127.0.0.1:" + port;
  }

  /** The container's id. */
  public String id() {
    return container.getContainerId();
  }

  /** What the container wrote to its standard output and error so far. */
  public String logs() {
    return logsOf(container);
  }

  /** Stops and removes the container; a second call does nothing. */
  @Override
  public void close() {
    container.stop();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The hook runs anyway.
    }
  }

  @Override
  public String toString() {
    return "test " + role + " on " + address();
  }

  private static String logsOf(GenericContainer<?> container) {
    try {
      return container.getContainerId() == null ? "" : container.getLogs();
    } catch (RuntimeException e) {
      return "";
    }
  }
}
