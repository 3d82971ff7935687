package org.berth.builder;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.berth.imagecache.ImageRef;

/**
 * One build (or cache hit) as its requesters see it. Identical concurrent requests get the same
 * handle. Subscribers get every past event, then the live ones; the stream ends with {@link
 * BuildEvent.Finished}. Thread-safe.
 */
public final class BuildHandle {
  private final String id;
  private final ResolvedSource source;
  private final ImageRef target;
  private final List<BuildEvent> history = new ArrayList<>();
  private final List<Consumer<BuildEvent>> subscribers = new CopyOnWriteArrayList<>();
  private final CompletableFuture<BuiltImage> result = new CompletableFuture<>();
  private final Runnable onCancel;
  private final Set<String> requesters = new HashSet<>();
  private volatile int queuePosition;

  BuildHandle(String id, ResolvedSource source, ImageRef target, Runnable onCancel) {
    this.id = id;
    this.source = source;
    this.target = target;
    this.onCancel = onCancel;
  }

  public String id() {
    return id;
  }

  public ResolvedSource source() {
    return source;
  }

  /** The image this build produces. */
  public ImageRef target() {
    return target;
  }

  /** Completes with the image, or exceptionally with a {@link BuildException}. */
  public CompletableFuture<BuiltImage> result() {
    return result;
  }

  /** 0 when not waiting in the queue, else 1 for next. */
  public int queuePosition() {
    return queuePosition;
  }

  public boolean isDone() {
    return result.isDone();
  }

  /** Asks the build to stop; it ends with a CANCELLED failure. Shared builds stop for everyone. */
  public void cancel() {
    onCancel.run();
  }

  /** What a requester's cancel did. */
  public enum Cancelled {
    /** Nobody else waited: the build stops. */
    STOPPED,
    /** Others still wait for the same build: only this request was withdrawn. */
    WITHDRAWN
  }

  /**
   * Records that {@code requester} (a user, say) waits for this build, so that they may cancel it.
   * A finished build records nobody. Returns this handle.
   */
  public BuildHandle requestedBy(String requester) {
    synchronized (requesters) {
      if (!isDone()) {
        requesters.add(requester);
      }
    }
    return this;
  }

  /** Whether {@code requester} waits for this build. */
  public boolean isRequestedBy(String requester) {
    synchronized (requesters) {
      return requesters.contains(requester);
    }
  }

  /**
   * Withdraws {@code requester}'s request. Identical requests share one build, so the build stops
   * only when nobody else still waits for it.
   *
   * @throws NoSuchBuildException when the build has finished
   * @throws NotYourBuildException when {@code requester} did not ask for this build
   */
  public Cancelled cancel(String requester) {
    synchronized (requesters) {
      if (isDone()) {
        throw new NoSuchBuildException(id);
      }
      if (!requesters.remove(requester)) {
        throw new NotYourBuildException(id);
      }
      if (!requesters.isEmpty()) {
        return Cancelled.WITHDRAWN;
      }
    }
    cancel();
    return Cancelled.STOPPED;
  }

  /** A copy of the events so far. */
  public List<BuildEvent> events() {
    synchronized (history) {
      return List.copyOf(history);
    }
  }

  /**
   * Replays past events to {@code subscriber}, then sends live ones, in order, on the build's
   * thread. Returns a handle that stops the live events.
   */
  public AutoCloseable subscribe(Consumer<BuildEvent> subscriber) {
    synchronized (history) {
      history.forEach(subscriber);
      if (!result.isDone()) {
        subscribers.add(subscriber);
      }
    }
    return () -> subscribers.remove(subscriber);
  }

  void emit(BuildEvent event) {
    synchronized (history) {
      if (event instanceof BuildEvent.QueuePosition q) {
        queuePosition = q.position();
      } else if (event instanceof BuildEvent.PhaseChanged p
          && p.phase() != BuildEvent.Phase.QUEUED) {
        queuePosition = 0;
      }
      history.add(event);
      for (Consumer<BuildEvent> s : subscribers) {
        try {
          s.accept(event);
        } catch (RuntimeException e) {
          subscribers.remove(s);
        }
      }
      if (event instanceof BuildEvent.Finished) {
        subscribers.clear();
      }
    }
  }

  void complete(BuiltImage image) {
    result.complete(image);
    forgetRequesters();
  }

  void fail(BuildException e) {
    result.completeExceptionally(e);
    forgetRequesters();
  }

  private void forgetRequesters() {
    synchronized (requesters) {
      requesters.clear();
    }
  }
}
