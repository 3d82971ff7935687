package org.berth.portal.builds;

import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.time.Duration;
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
import org.berth.builder.NoSuchBuildException;
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
  private final int mostPerUser;

  Builds(
      BeanProvider<BuildService> service,
      BeanProvider<BuildStore> store,
      @Value("${berth.builder.max-builds-per-user:3}") int mostPerUser) {
    if (mostPerUser < 1) {
      throw new IllegalArgumentException("berth.builder.max-builds-per-user must be at least 1");
    }
    this.service = service;
    this.store = store;
    this.mostPerUser = mostPerUser;
  }

  /** Starts (or joins, or finds cached) the build of a repository at a ref. */
  public BuildHandle submit(String repo, String ref) {
    return service().submit(source(repo, ref));
  }

  private static SourceSpec source(String repo, String ref) {
    if (repo == null || repo.isBlank()) {
      throw new BuildException(BuildException.Failure.REFUSED, "Give a repository to build.");
    }
    return SourceSpec.parse(repo.strip(), ref == null || ref.isBlank() ? "HEAD" : ref.strip());
  }

  /**
   * Resolves a repository's ref to a commit without building anything (a launch link's confirmation
   * shows it before anything starts).
   *
   * @throws BuildException when the source is refused, the ref is unknown or the git server does
   *     not answer
   */
  public org.berth.builder.ResolvedSource resolve(String repo, String ref) {
    return service().resolve(source(repo, ref));
  }

  /** The image a resolved source builds to (it may not exist yet). */
  public String imageFor(org.berth.builder.ResolvedSource source) {
    return service().imageFor(source).toString();
  }

  /** Fetches a source's files at its resolved commit without building (see BuildService). */
  public org.berth.builder.SourceTree fetch(SourceSpec source, java.nio.file.Path into) {
    return service().fetch(source, into);
  }

  /** Starts (or joins, or finds cached) the build of a parsed source. */
  public BuildHandle submit(SourceSpec source) {
    return service().submit(source);
  }

  /**
   * As {@link #submit(String, String)}, recording that this user waits for the build.
   *
   * @throws org.berth.builder.TooManyBuildsException when the user already waits for {@code
   *     berth.builder.max-builds-per-user} builds
   */
  public BuildHandle submit(String repo, String ref, String requester) {
    return submit(source(repo, ref), requester);
  }

  /** As {@link #submit(SourceSpec)}, recording that this user waits for the build (capped). */
  public BuildHandle submit(SourceSpec source, String requester) {
    return service().submit(source, requester, mostPerUser);
  }

  /**
   * Withdraws the user's request for a running or queued build (see {@link
   * BuildService#cancel(String, String)}).
   */
  public BuildHandle.Cancelled cancel(String id, String requester) {
    return service().cancel(id, requester);
  }

  /**
   * Waits for a build's image.
   *
   * @throws BuildException when the build fails, is cancelled or takes too long
   */
  public BuiltImage await(BuildHandle handle) {
    String repo = handle.source().spec().repoUrl();
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

  /**
   * The recorded build that made the image of {@code repo} (as a launch gives it, a URL or a
   * Binder-style spec) at {@code commit}: the build a server from it runs. Empty when none is
   * recorded (a server launched from an image, or built before builds were kept).
   */
  public java.util.Optional<String> builtFrom(String repo, String ref, String commit) {
    if (repo == null || repo.isBlank() || commit == null || commit.isBlank()) {
      return java.util.Optional.empty();
    }
    try {
      String url = SourceSpec.parse(repo, ref).repoUrl();
      java.util.List<BuildRecord> records = store.get().forCommit(url, commit);
      // The build that made the image (its log says how) before a later request that found it.
      return first(records, BuildRecord.Outcome.BUILT)
          .or(() -> first(records, BuildRecord.Outcome.CACHE_HIT));
    } catch (BuildException e) {
      return java.util.Optional.empty(); // not a source the builder would take: no build of it
    }
  }

  private static java.util.Optional<String> first(
      java.util.List<BuildRecord> records, BuildRecord.Outcome outcome) {
    return records.stream().filter(r -> r.outcome() == outcome).map(BuildRecord::id).findFirst();
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
