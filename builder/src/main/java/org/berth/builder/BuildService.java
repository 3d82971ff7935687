package org.berth.builder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.berth.builder.BuildEvent.Phase;
import org.berth.builder.BuildException.Failure;
import org.berth.builder.source.GitRepoProvider;
import org.berth.imagecache.ImageDigest;
import org.berth.imagecache.ImageKey;
import org.berth.imagecache.ImageRef;
import org.berth.imagecache.RegistryClient;
import org.berth.imagecache.RegistryUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The builder's entry point: from a source to an image in the registry.
 *
 * <p>{@link #submit} resolves the ref (refusals and unknown refs are thrown at once), asks the
 * registry whether the image exists (a cache hit starts no build) and otherwise joins the running
 * build for the same image or queues a new one. At most {@code maxConcurrentBuilds} run at once;
 * waiting builds see their queue position. Each build has a time limit and can be cancelled. An
 * image is recorded as built only after the registry reports its digest. Thread-safe.
 */
public final class BuildService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BuildService.class);

  /** What a requester with too many builds is told to wait: about a short build's time. */
  private static final Duration RETRY_WHEN_TOO_MANY = Duration.ofSeconds(30);

  private final List<RepoProvider> providers;
  private final List<BuildStrategy> strategies;
  private final RegistryClient registry;
  private final BuildStore store;
  private final BuilderConfig config;
  private final ExecutorService workers;
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
  private final Map<ImageRef, Build> running = new ConcurrentHashMap<>();
  private final LinkedList<Build> waiting = new LinkedList<>();
  private final AtomicInteger buildsStarted = new AtomicInteger();
  private final Map<String, Object> requesterLocks = new ConcurrentHashMap<>();

  /**
   * @param strategies in detection order; the first whose detect answers builds
   */
  public BuildService(
      List<RepoProvider> providers,
      List<BuildStrategy> strategies,
      RegistryClient registry,
      BuildStore store,
      BuilderConfig config) {
    this.providers = List.copyOf(providers);
    this.strategies = List.copyOf(strategies);
    this.registry = registry;
    this.store = store;
    this.config = config;
    this.workers =
        Executors.newFixedThreadPool(
            config.maxConcurrentBuilds(),
            r -> {
              Thread t = new Thread(r, "berth-build");
              t.setDaemon(true);
              return t;
            });
  }

  /** Resolves the ref to a commit without building anything. */
  public ResolvedSource resolve(SourceSpec spec) {
    return provider(spec).resolve(spec);
  }

  /**
   * Fetches a source's files at its resolved commit into {@code into} (an empty directory), under
   * the same host rules and size and time limits as builds, without building. Volumes are seeded
   * from such trees.
   */
  public SourceTree fetch(SourceSpec spec, java.nio.file.Path into) {
    ResolvedSource source = resolve(spec);
    return provider(spec).fetch(source, into);
  }

  /** The image a resolved source builds to. */
  public ImageRef imageFor(ResolvedSource source) {
    return ImageKey.of(source.canonicalRepo(), source.commit(), config.recipeVersion())
        .toRef(config.registry());
  }

  /**
   * Starts (or joins) the build of a source.
   *
   * @throws SourceRefusedException when the source is not allowed
   * @throws UnknownRefException when the ref does not exist
   * @throws BuildException when the git server or registry cannot be asked
   */
  public BuildHandle submit(SourceSpec spec) {
    Instant start = Instant.now();
    ResolvedSource source = resolve(spec);
    ImageRef target = imageFor(source);
    Optional<ImageDigest> existing;
    try {
      existing = registry.find(target);
    } catch (RegistryUnavailableException e) {
      throw new BuildException(Failure.REGISTRY, e.getMessage(), e);
    }
    if (existing.isPresent()) {
      BuildHandle hit = new BuildHandle(newId(), source, target, () -> {});
      hit.emit(new BuildEvent.PhaseChanged(Phase.RESOLVING, spec.ref() + " is " + source.commit()));
      hit.emit(new BuildEvent.PhaseChanged(Phase.CACHE_HIT, target + " is in the registry"));
      BuiltImage image = new BuiltImage(target, existing.get(), null);
      hit.emit(
          new BuildEvent.Finished(
              target, existing.get(), null, null, "image exists", Instant.now()));
      hit.complete(image);
      store.save(
          new BuildRecord(
              hit.id(),
              spec.repoUrl(),
              spec.ref(),
              source.commit(),
              target,
              existing.get(),
              null,
              start,
              Duration.between(start, Instant.now()),
              BuildRecord.Outcome.CACHE_HIT,
              null,
              "image exists",
              List.of()));
      return hit;
    }
    Build[] created = new Build[1];
    Build build =
        running.computeIfAbsent(
            target,
            t -> {
              created[0] = new Build(newId(), source, t, start);
              return created[0];
            });
    if (created[0] != null) {
      build.handle.emit(
          new BuildEvent.PhaseChanged(Phase.RESOLVING, spec.ref() + " is " + source.commit()));
      enqueue(build);
    }
    return build.handle;
  }

  /**
   * As {@link #submit(SourceSpec)}, recording that {@code requester} waits for the build, so that
   * they (and only those who asked) may cancel it with {@link #cancel(String, String)}.
   */
  public BuildHandle submit(SourceSpec spec, String requester) {
    return submit(spec).requestedBy(requester);
  }

  /**
   * As {@link #submit(SourceSpec, String)}, unless {@code requester} already waits for {@code
   * mostWaiting} builds that have not finished: then the request is refused, except when it joins
   * one of those builds. One requester's submissions take turns, so the count holds.
   *
   * @throws TooManyBuildsException when the requester has that many builds waiting or running
   */
  public BuildHandle submit(SourceSpec spec, String requester, int mostWaiting) {
    synchronized (requesterLocks.computeIfAbsent(requester, r -> new Object())) {
      long waitingFor =
          running.values().stream()
              .filter(b -> !b.handle.isDone() && b.handle.isRequestedBy(requester))
              .count();
      if (waitingFor < mostWaiting) {
        return submit(spec, requester);
      }
      Build same = running.get(imageFor(resolve(spec)));
      if (same != null && same.handle.isRequestedBy(requester)) {
        return same.handle;
      }
      throw new TooManyBuildsException(mostWaiting, RETRY_WHEN_TOO_MANY);
    }
  }

  /**
   * Withdraws {@code requester}'s request for a running or queued build; the build stops when
   * nobody else waits for it.
   *
   * @throws NoSuchBuildException when no such build runs or waits
   * @throws NotYourBuildException when {@code requester} did not ask for it
   */
  public BuildHandle.Cancelled cancel(String id, String requester) {
    return find(id)
        .filter(h -> !h.isDone())
        .orElseThrow(() -> new NoSuchBuildException(id))
        .cancel(requester);
  }

  /** How many builds have started running since this service was made (cache hits excluded). */
  public int buildsStarted() {
    return buildsStarted.get();
  }

  /** The running or queued build with that id, if any. */
  public Optional<BuildHandle> find(String id) {
    return running.values().stream().map(b -> b.handle).filter(h -> h.id().equals(id)).findFirst();
  }

  private void enqueue(Build build) {
    synchronized (waiting) {
      waiting.add(build);
      build.handle.emit(new BuildEvent.PhaseChanged(Phase.QUEUED, "waiting for a build slot"));
      build.handle.emit(new BuildEvent.QueuePosition(waiting.size()));
    }
    build.future = workers.submit(() -> run(build));
  }

  private void run(Build build) {
    synchronized (waiting) {
      waiting.remove(build);
      int i = 1;
      for (Build b : waiting) {
        b.handle.emit(new BuildEvent.QueuePosition(i++));
      }
    }
    if (build.cancelled) {
      finish(
          build,
          null,
          new BuildException(Failure.CANCELLED, "build of " + build.target + " was cancelled"),
          null);
      return;
    }
    buildsStarted.incrementAndGet();
    build.thread = Thread.currentThread();
    Instant deadline = Instant.now().plus(config.buildTimeout());
    ScheduledFuture<?> timer =
        timers.schedule(
            () -> {
              Thread t = build.thread;
              if (t != null) {
                t.interrupt();
              }
            },
            config.buildTimeout().toMillis() + 500,
            TimeUnit.MILLISECONDS);
    BuildContext ctx =
        new BuildContext(build.target, build.handle::emit, deadline, () -> build.cancelled);
    Path dir = null;
    String strategyName = null;
    List<BuildStrategy.Preparation> prepared = new ArrayList<>();
    MDC.put("build", build.handle.id());
    try {
      for (BuildStrategy s : strategies) {
        prepared.add(s.prepare(ctx));
      }
      dir = Files.createTempDirectory("berth-build-");
      build.handle.emit(
          new BuildEvent.PhaseChanged(Phase.FETCHING, "fetching " + build.source.commit()));
      SourceTree tree = provider(build.source.spec()).fetch(build.source, dir.resolve("src"));
      ctx.checkStillWanted();
      BuildPlan plan = plan(tree);
      strategyName = plan.strategy();
      build.handle.emit(
          new BuildEvent.LogLine("strategy " + plan.strategy() + ": " + plan.description()));
      BuildStrategy strategy =
          strategies.stream()
              .filter(s -> s.name().equals(plan.strategy()))
              .findFirst()
              .orElseThrow();
      BuiltImage image = strategy.build(plan, ctx);
      finish(build, image, null, strategyName);
    } catch (BuildException e) {
      finish(build, null, whyStopped(build, deadline, e), strategyName);
    } catch (IOException | UncheckedIOException e) {
      finish(
          build,
          null,
          new BuildException(Failure.ENGINE, "build workspace: " + e.getMessage(), e),
          strategyName);
    } catch (RuntimeException e) {
      LOG.error("build {} of {} failed unexpectedly", build.handle.id(), build.target, e);
      finish(
          build,
          null,
          whyStopped(build, deadline, new BuildException(Failure.ENGINE, "unexpected: " + e, e)),
          strategyName);
    } finally {
      timer.cancel(false);
      build.thread = null;
      Thread.interrupted();
      for (BuildStrategy.Preparation p : prepared) {
        try {
          p.close();
        } catch (RuntimeException e) {
          LOG.warn("could not release what build {} prepared: {}", build.handle.id(), e.toString());
        }
      }
      if (dir != null) {
        GitRepoProvider.clear(dir);
      }
      MDC.remove("build");
    }
  }

  /** A cancel or timeout often surfaces as some other error; say what really stopped it. */
  private BuildException whyStopped(Build build, Instant deadline, BuildException e) {
    if (build.cancelled && e.failure() != Failure.CANCELLED) {
      return new BuildException(
          Failure.CANCELLED, "build of " + build.target + " was cancelled", e);
    }
    if (Instant.now().isAfter(deadline) && e.failure() != Failure.TIMEOUT) {
      return new BuildException(
          Failure.TIMEOUT,
          "build of "
              + build.target
              + " ran over its time limit of "
              + config.buildTimeout().toSeconds()
              + " s",
          e);
    }
    return e;
  }

  private BuildPlan plan(SourceTree tree) {
    tree.configDir(); // both binder/ and .binder/ is an error before any strategy looks
    for (BuildStrategy s : strategies) {
      Optional<BuildPlan> plan = s.detect(tree);
      if (plan.isPresent()) {
        return plan.get();
      }
    }
    throw new BuildException(
        Failure.RECIPE, "no build strategy applies to " + tree.source().spec().repoUrl());
  }

  private void finish(Build build, BuiltImage image, BuildException error, String strategy) {
    Duration took = Duration.between(build.start, Instant.now());
    List<String> log = new ArrayList<>();
    for (BuildEvent e : build.handle.events()) {
      if (e instanceof BuildEvent.LogLine l) {
        log.add(l.line());
      }
    }
    SourceSpec spec = build.source.spec();
    try {
      if (image != null) {
        store.save(
            new BuildRecord(
                build.handle.id(),
                spec.repoUrl(),
                spec.ref(),
                build.source.commit(),
                image.ref(),
                image.digest(),
                strategy,
                build.start,
                took,
                BuildRecord.Outcome.BUILT,
                null,
                "built",
                log));
      } else {
        store.save(
            new BuildRecord(
                build.handle.id(),
                spec.repoUrl(),
                spec.ref(),
                build.source.commit(),
                build.target,
                null,
                strategy,
                build.start,
                took,
                error.failure() == Failure.CANCELLED
                    ? BuildRecord.Outcome.CANCELLED
                    : BuildRecord.Outcome.FAILED,
                error.failure(),
                error.getMessage(),
                log));
      }
    } catch (RuntimeException e) {
      LOG.error("could not record build {}", build.handle.id(), e);
    }
    running.remove(build.target, build);
    if (image != null) {
      build.handle.emit(
          new BuildEvent.PhaseChanged(Phase.BUILT, image.ref() + " " + image.digest()));
      build.handle.emit(
          new BuildEvent.Finished(
              image.ref(),
              image.digest(),
              strategy,
              null,
              "built in " + took.toMillis() + " ms",
              Instant.now()));
      build.handle.complete(image);
      LOG.info("built {} ({}) in {} ms", image.ref(), strategy, took.toMillis());
    } else {
      build.handle.emit(new BuildEvent.PhaseChanged(Phase.FAILED, error.getMessage()));
      build.handle.emit(
          new BuildEvent.Finished(
              null, null, strategy, error.failure(), error.getMessage(), Instant.now()));
      build.handle.fail(error);
      LOG.info("build of {} failed ({}): {}", build.target, error.failure(), error.getMessage());
    }
  }

  private RepoProvider provider(SourceSpec spec) {
    return providers.stream()
        .filter(p -> p.supports(spec))
        .findFirst()
        .orElseThrow(
            () -> new SourceRefusedException("no provider for " + spec.provider() + " sources"));
  }

  private static String newId() {
    return UUID.randomUUID().toString();
  }

  @Override
  public void close() {
    running.values().forEach(b -> b.handle.cancel());
    workers.shutdownNow();
    timers.shutdownNow();
  }

  private final class Build {
    final ResolvedSource source;
    final ImageRef target;
    final Instant start;
    final BuildHandle handle;
    volatile boolean cancelled;
    volatile Thread thread;
    volatile java.util.concurrent.Future<?> future;

    Build(String id, ResolvedSource source, ImageRef target, Instant start) {
      this.source = source;
      this.target = target;
      this.start = start;
      this.handle = new BuildHandle(id, source, target, this::cancel);
    }

    void cancel() {
      cancelled = true;
      boolean wasWaiting;
      synchronized (waiting) {
        wasWaiting = waiting.remove(this);
      }
      if (wasWaiting && future != null && future.cancel(false)) {
        // never started: end it now instead of when a slot frees up
        finish(
            this,
            null,
            new BuildException(Failure.CANCELLED, "build of " + target + " was cancelled"),
            null);
        return;
      }
      Thread t = thread;
      if (t != null) {
        t.interrupt();
      }
    }
  }
}
