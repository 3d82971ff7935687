package org.berth.launch;

import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * How many servers may start at once (from container start until ready). A crowd of launches on a
 * small machine otherwise starves every server of CPU and most miss the readiness timeout; with
 * slots, the rest wait their turn. Fair: launches get slots in the order they asked. Thread-safe.
 */
final class StartSlots {

  private final Semaphore slots;

  /** {@code count} slots; zero or less means twice the processors. */
  StartSlots(int count) {
    this.slots =
        new Semaphore(count > 0 ? count : 2 * Runtime.getRuntime().availableProcessors(), true);
  }

  /**
   * Runs {@code start} holding a slot; when none is free, calls {@code waiting} once, then waits.
   */
  <T> T run(Supplier<T> start, Runnable waiting) {
    if (!slots.tryAcquire()) {
      waiting.run();
      slots.acquireUninterruptibly();
    }
    try {
      return start.get();
    } finally {
      slots.release();
    }
  }

  int free() {
    return slots.availablePermits();
  }
}
