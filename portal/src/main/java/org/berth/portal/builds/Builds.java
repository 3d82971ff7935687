package org.berth.portal.builds;

import io.micronaut.context.BeanProvider;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.berth.builder.BuildEvent;
import org.berth.builder.BuildException;
import org.berth.builder.BuildHandle;
import org.berth.builder.BuildRecord;
import org.berth.builder.BuildService;
import org.berth.builder.BuildStore;
import org.berth.builder.BuiltImage;
import org.berth.builder.SourceSpec;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * The portal's door to the builder. The build service is made on first use, so that Berth starts
 * (and says what is missing) even where no base image is configured.
 */
@Singleton
public class Builds {

  private static final Duration WAIT = Duration.ofMinutes(35);

  private final BeanProvider<BuildService> service;
  private final BeanProvider<BuildStore> store;
  private final Map<String, Set<Long>> requesters = new ConcurrentHashMap<>();

  Builds(BeanProvider<BuildService> service, BeanProvider<BuildStore> store) {
    this.service = service;
    this.store = store;
  }

  /** Starts (or joins, or finds cached) the build of a repository at a ref. */
  public BuildHandle submit(String repo, String ref) {
    if (repo == null || repo.isBlank()) {
      throw new BuildException(BuildException.Failure.REFUSED, "Give a repository to build.");
    }
    return service()
        .submit(
            SourceSpec.parse(repo.strip(), ref == null || ref.isBlank() ? "HEAD" : ref.strip()));
  }

  /** Starts (or joins, or finds cached) the build of a parsed source. */
  public BuildHandle submit(SourceSpec source) {
    return service().submit(source);
  }

  /** As {@link #submit(String, String)}, remembering that this user waits for the build. */
  public BuildHandle submit(String repo, String ref, long userId) {
    return requestedBy(submit(repo, ref), userId);
  }

  /** As {@link #submit(SourceSpec)}, remembering that this user waits for the build. */
  public BuildHandle submit(SourceSpec source, long userId) {
    return requestedBy(submit(source), userId);
  }

  private BuildHandle requestedBy(BuildHandle handle, long userId) {
    if (!handle.isDone()) {
      requesters.computeIfAbsent(handle.id(), k -> ConcurrentHashMap.newKeySet()).add(userId);
      handle.result().whenComplete((image, error) -> requesters.remove(handle.id()));
    }
    return handle;
  }

  /** What a cancel did. */
  public enum Cancelled {
    /** Nobody else waited: the build stops. */
    STOPPED,
    /** Others still wait for the same build: only this user's request was withdrawn. */
    WITHDRAWN
  }

  /**
   * Withdraws the user's request for a running or queued build; the build itself stops when nobody
   * else waits for it (identical requests share one build).
   *
   * @throws NoSuchBuildException when no such build is running
   * @throws NotYourBuildException when the user did not ask for this build
   */
  public Cancelled cancel(String id, long userId) {
    BuildHandle handle =
        find(id).filter(h -> !h.isDone()).orElseThrow(() -> new NoSuchBuildException(id));
    Set<Long> waiting = requesters.getOrDefault(id, Set.of());
    synchronized (waiting) {
      if (!waiting.remove(userId)) {
        throw new NotYourBuildException(id);
      }
      if (!waiting.isEmpty()) {
        return Cancelled.WITHDRAWN;
      }
    }
    handle.cancel();
    return Cancelled.STOPPED;
  }

  /** Builds (or finds) the image of a repository at a ref and waits for it. */
  public BuiltImage imageOf(String repo, String ref) {
    BuildHandle handle = submit(repo, ref);
    try {
      return handle.result().get(WAIT.toMinutes(), TimeUnit.MINUTES);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof BuildException b) {
        throw b;
      }
      throw new BuildException(
          BuildException.Failure.ENGINE, "The build of " + repo + " failed: " + e.getCause(), e);
    } catch (TimeoutException e) {
      throw new BuildException(
          BuildException.Failure.TIMEOUT, "The build of " + repo + " took too long.");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BuildException(
          BuildException.Failure.CANCELLED, "Interrupted while building " + repo + ".");
    }
  }

  /** A running or queued build. */
  public java.util.Optional<BuildHandle> find(String id) {
    return service().find(id);
  }

  /** A finished build's record. */
  public java.util.Optional<BuildRecord> record(String id) {
    service();
    return store.get().find(id);
  }

  /**
   * A build's events as a stream: the past ones, then the live ones, completing after {@link
   * BuildEvent.Finished}. The build is followed from subscription until the subscriber goes away.
   */
  public static Flux<BuildEvent> events(BuildHandle handle) {
    return Flux.defer(
        () -> {
          Sinks.Many<BuildEvent> sink = Sinks.many().unicast().onBackpressureBuffer();
          AutoCloseable subscription =
              handle.subscribe(
                  e -> {
                    sink.tryEmitNext(e);
                    if (e instanceof BuildEvent.Finished) {
                      sink.tryEmitComplete();
                    }
                  });
          return sink.asFlux()
              .doFinally(
                  signal -> {
                    try {
                      subscription.close();
                    } catch (Exception ignored) {
                      // nothing left to release
                    }
                  });
        });
  }

  /** A running, queued or finished build as the API shows it. */
  public BuildView view(String id) {
    return find(id)
        .map(BuildView::of)
        .or(() -> record(id).map(BuildView::of))
        .orElseThrow(() -> new NoSuchBuildException(id));
  }

  /** The build's log lines so far (all of them once it has ended). */
  public java.util.List<String> log(String id) {
    java.util.Optional<BuildHandle> running = find(id);
    if (running.isPresent()) {
      return running.get().events().stream()
          .filter(e -> e instanceof BuildEvent.LogLine)
          .map(e -> ((BuildEvent.LogLine) e).line())
          .toList();
    }
    return record(id).map(BuildRecord::log).orElseThrow(() -> new NoSuchBuildException(id));
  }

  private BuildService service() {
    try {
      return service.get();
    } catch (RuntimeException e) {
      throw new BuildException(
          BuildException.Failure.ENGINE,
          "Building is not available: set BERTH_JUPYTER_BASE_IMAGE (deploy/local/setup.sh writes it"
              + " to stack.env).",
          e);
    }
  }
}
