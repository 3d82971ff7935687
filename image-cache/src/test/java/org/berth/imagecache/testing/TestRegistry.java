package org.berth.imagecache.testing;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Image;
import com.github.dockerjava.api.model.PushResponseItem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * A registry of a test class's own: Debian's Distribution registry in a fresh container (see {@link
 * TestImages#registryWithBases()}) on 127.0.0.1 and a free port, holding only Berth's Debian and
 * Jupyter bases, as a Berth registry does right after {@code deploy/local/setup.sh}. What the class
 * pushes goes when the class ends.
 *
 * <p>Register it as a static field, {@code @RegisterExtension static final TestRegistry REGISTRY =
 * new TestRegistry();}: the container starts on first use ({@link #address()}, so also from a
 * {@code TestPropertyProvider}, which runs before other extensions) and is removed after the
 * class's last test, even when tests failed. Outside JUnit, close it.
 *
 * <p>The bases are in the registry's storage from the start, so nothing big is uploaded: on start
 * the engine only tags its own bases with this registry's address and pushes them, which checks
 * that every layer is there and lets the engine mount those layers in later pushes of images built
 * on them (the engine mounts across repositories only within a registry it knows holds them). On
 * close the engine's tags in this registry's name are removed, so built and pulled test images do
 * not pile up.
 */
public final class TestRegistry implements AfterAllCallback, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TestRegistry.class);
  private static final Duration START = Duration.ofSeconds(60);

  private LocalContainer container;
  private Duration startup;

  /** The registry's address, {@code 127.0.0.1:PORT}; starts it on first use. */
  public synchronized String address() {
    start();
    return container.address();
  }

  /** Berth's Jupyter base in this registry: {@code 127.0.0.1:PORT/berth/jupyter-base:VERSION}. */
  public String jupyterBase() {
    return address() + "/berth/jupyter-base:" + TestImages.jupyterVersion();
  }

  /** Berth's Debian base in this registry: {@code 127.0.0.1:PORT/berth/debian-base:VERSION}. */
  public String debianBase() {
    return address() + "/berth/debian-base:" + TestImages.debianVersion();
  }

  /** How long the start took (container ready and bases known to the engine); null before. */
  public synchronized Duration startupTime() {
    return startup;
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  /** Removes the container and the engine's tags in this registry's name. */
  @Override
  public synchronized void close() {
    if (container == null) {
      return;
    }
    try {
      untag(container.address() + "/");
    } finally {
      container.close();
      container = null;
    }
  }

  private void start() {
    if (container != null) {
      return;
    }
    long begin = System.nanoTime();
    String image = TestImages.registryWithBases();
    String jupyter = TestImages.jupyterBase();
    String debian = TestImages.debianBase();
    container =
        LocalContainer.start(
            "registry", image, 5000, Wait.forHttp("/v2/").forStatusCode(200), START);
    try {
      pushKnown(debian, debianBase());
      pushKnown(jupyter, jupyterBase());
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    startup = Duration.ofNanos(System.nanoTime() - begin);
    LOG.info("Test registry on {} ready in {} ms", container.address(), startup.toMillis());
  }

  /** Tags the engine's {@code local} image as {@code name} and pushes it (layers already there). */
  private void pushKnown(String local, String name) {
    DockerClient engine = TestImages.engine();
    int colon = name.lastIndexOf(':');
    String repository = name.substring(0, colon);
    String tag = name.substring(colon + 1);
    engine.tagImageCmd(local, repository, tag).exec();
    List<String> errors = new ArrayList<>();
    try {
      boolean done =
          engine
              .pushImageCmd(repository)
              .withTag(tag)
              .exec(
                  new ResultCallback.Adapter<PushResponseItem>() {
                    @Override
                    public void onNext(PushResponseItem item) {
                      if (item.isErrorIndicated()) {
                        errors.add(
                            item.getErrorDetail() != null
                                ? item.getErrorDetail().getMessage()
                                : item.getError());
                      }
                    }
                  })
              .awaitCompletion(2, TimeUnit.MINUTES);
      if (!done || !errors.isEmpty()) {
        throw new IllegalStateException(
            "The engine could not push "
                + name
                + " into the test registry: "
                + (done ? errors : "no answer within 2 minutes")
                + "\nThe registry's log:\n"
                + container.logs());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while pushing " + name, e);
    }
  }

  /** Removes the engine's tags starting with {@code prefix} (images still used keep theirs). */
  private static void untag(String prefix) {
    DockerClient engine;
    try {
      engine = TestImages.engine();
    } catch (IllegalStateException gone) {
      return;
    }
    for (Image image : engine.listImagesCmd().exec()) {
      if (image.getRepoTags() == null) {
        continue;
      }
      for (String tag : image.getRepoTags()) {
        if (tag.startsWith(prefix)) {
          try {
            engine.removeImageCmd(tag).exec();
          } catch (RuntimeException inUse) {
            // A container of the class still uses it; the engine keeps it.
          }
        }
      }
    }
  }

  @Override
  public synchronized String toString() {
    return container == null ? "test registry (not started)" : container.toString();
  }
}
