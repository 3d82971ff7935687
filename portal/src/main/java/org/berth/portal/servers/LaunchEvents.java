package org.berth.portal.servers;

import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.berth.launch.LaunchEvent;
import org.berth.launch.LaunchEvent.Phase;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * The events of each server's latest launch, keyed by owner and server name (so that a failed
 * launch that left no server behind can still tell what went wrong). A subscriber gets what
 * happened so far, then what happens next, and the stream ends at ready or failed. Thread-safe.
 */
@Singleton
class LaunchEvents {

  private final Map<String, Sinks.Many<LaunchEvent>> latest = new ConcurrentHashMap<>();

  /** Starts a new launch's stream for the server and returns where to send its events. */
  Consumer<LaunchEvent> begin(String key) {
    Sinks.Many<LaunchEvent> sink = Sinks.many().replay().all();
    latest.put(key, sink);
    java.util.concurrent.atomic.AtomicBoolean ended =
        new java.util.concurrent.atomic.AtomicBoolean();
    return event -> {
      if (ended.get()) {
        return; // a launch ends once; later reports of the same end are dropped
      }
      sink.emitNext(event, Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
      if (event instanceof LaunchEvent.PhaseChanged p
          && (p.phase() == Phase.READY || p.phase() == Phase.FAILED)
          && ended.compareAndSet(false, true)) {
        sink.tryEmitComplete();
      }
    };
  }

  /** The latest launch's events; empty when the server was never launched by this Berth. */
  Flux<LaunchEvent> of(String key) {
    Sinks.Many<LaunchEvent> sink = latest.get(key);
    return sink == null ? Flux.empty() : sink.asFlux();
  }

  /** Whether this Berth has launched (or tried to launch) under that key. */
  boolean knows(String key) {
    return latest.containsKey(key);
  }

  void forget(String key) {
    latest.remove(key);
  }
}
