package org.berth.builder.source;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.berth.builder.BuildException;
import org.berth.builder.SourcePolicy;
import org.eclipse.jgit.lib.EmptyProgressMonitor;
import org.eclipse.jgit.lib.ProgressMonitor;

/**
 * The size and time limits of one fetch. The size counted is what the fetch downloaded plus what it
 * wrote out; {@link #watch} lets JGit stop a download that grows a directory past the limit. Used
 * by the fetching thread; the monitor's {@code isCancelled} may be asked from any thread.
 */
final class FetchLimits {
  private static final long WATCH_INTERVAL_NANOS = 100_000_000L;

  private final String repo;
  private final SourcePolicy policy;
  private final long deadline;
  private final AtomicBoolean tooBig = new AtomicBoolean();
  private final AtomicBoolean interrupted = new AtomicBoolean();
  private long downloaded;
  private long written;

  FetchLimits(String repo, SourcePolicy policy) {
    this(repo, policy, System.nanoTime() + policy.fetchTimeout().toNanos());
  }

  private FetchLimits(String repo, SourcePolicy policy, long deadline) {
    this.repo = repo;
    this.policy = policy;
    this.deadline = deadline;
  }

  /** Fresh counts for another try, with the same deadline. */
  FetchLimits again() {
    return new FetchLimits(repo, policy, deadline);
  }

  long nanosLeft() {
    return deadline - System.nanoTime();
  }

  /** A monitor that cancels the operation when time runs out or {@code dir} grows too much. */
  ProgressMonitor watch(Path dir, long baseline) {
    return new EmptyProgressMonitor() {
      private long lastCheck = System.nanoTime();

      @Override
      public boolean isCancelled() {
        if (Thread.currentThread().isInterrupted()) {
          interrupted.set(true);
        }
        long now = System.nanoTime();
        if (now - lastCheck > WATCH_INTERVAL_NANOS) {
          lastCheck = now;
          if (GitRepoProvider.sizeOf(dir) - baseline > policy.maxRepoBytes()) {
            tooBig.set(true);
          }
        }
        return tooBig.get() || interrupted.get() || now > deadline;
      }
    };
  }

  /** Records the bytes the download added; throws when over a limit. */
  void downloaded(long bytes) {
    downloaded = bytes;
    if (downloaded > policy.maxRepoBytes()) {
      tooBig.set(true);
    }
    check();
  }

  /** Counts bytes about to be written out; throws when over a limit. */
  void write(long bytes) {
    written += bytes;
    if (downloaded + written > policy.maxRepoBytes()) {
      tooBig.set(true);
    }
    check();
  }

  long downloadedBytes() {
    return downloaded;
  }

  long writtenBytes() {
    return written;
  }

  /** Whether the size limit stopped this fetch. */
  boolean tooBig() {
    return tooBig.get();
  }

  /** Throws the matching exception when a limit was reached or the thread was interrupted. */
  void check() {
    if (tooBig.get()) {
      throw new BuildException(
          BuildException.Failure.GIT,
          "repository "
              + repo
              + " is larger than the limit of "
              + policy.maxRepoBytes()
              + " bytes (berth.sources.max-repo-bytes)");
    }
    if (interrupted.get() || Thread.currentThread().isInterrupted()) {
      throw cancelled();
    }
    if (System.nanoTime() > deadline) {
      throw timedOut();
    }
  }

  BuildException timedOut() {
    return new BuildException(
        BuildException.Failure.TIMEOUT,
        "fetching " + repo + " took longer than " + policy.fetchTimeout().toSeconds() + " s");
  }

  BuildException cancelled() {
    return new BuildException(
        BuildException.Failure.CANCELLED, "fetching " + repo + " was interrupted");
  }
}
