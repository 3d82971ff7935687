package org.berth.launch;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The events of each server's latest launch, kept per owner and server name, so that a failed
 * launch that left no server behind can still say why. A subscriber gets what happened so far, then
 * what happens next; a launch ends at {@link LaunchEvent.Phase#READY} or {@link
 * LaunchEvent.Phase#FAILED}, told once. Thread-safe.
 */
public final class LaunchEventLog {

  private final Map<String, Launch> latest = new ConcurrentHashMap<>();

  /** Starts a new launch's log for the server and returns where to send its events. */
  public Consumer<LaunchEvent> begin(UserName owner, ServerName name) {
    Launch launch = new Launch();
    latest.put(key(owner, name), launch);
    return launch::emit;
  }

  /**
   * Follows the latest launch of a server: {@code listener} gets its past events at once, then the
   * live ones until it ends or the returned handle is closed. Empty when this Berth never launched
   * that server.
   */
  public Optional<AutoCloseable> follow(
      UserName owner, ServerName name, Consumer<LaunchEvent> listener) {
    Launch launch = latest.get(key(owner, name));
    return launch == null ? Optional.empty() : Optional.of(launch.subscribe(listener));
  }

  /** Whether this Berth has launched, or tried to launch, the server. */
  public boolean knows(UserName owner, ServerName name) {
    return latest.containsKey(key(owner, name));
  }

  public void forget(UserName owner, ServerName name) {
    latest.remove(key(owner, name));
  }

  private static String key(UserName owner, ServerName name) {
    return owner.value() + "/" + name.value();
  }

  /** Whether an event ends a launch. */
  public static boolean isEnd(LaunchEvent event) {
    return event instanceof LaunchEvent.PhaseChanged p
        && (p.phase() == LaunchEvent.Phase.READY || p.phase() == LaunchEvent.Phase.FAILED);
  }

  private static final class Launch {
    private final List<LaunchEvent> events = new ArrayList<>();
    private final List<Consumer<LaunchEvent>> listeners = new ArrayList<>();
    private boolean ended;

    // Listeners are called under the lock, so each sees the past and the live events in order;
    // they only hand events on (to a stream), never block.
    synchronized void emit(LaunchEvent event) {
      if (ended) {
        return; // a launch ends once; later reports of the same end are dropped
      }
      events.add(event);
      ended = isEnd(event);
      List.copyOf(listeners).forEach(l -> l.accept(event));
      if (ended) {
        listeners.clear();
      }
    }

    synchronized AutoCloseable subscribe(Consumer<LaunchEvent> listener) {
      events.forEach(listener);
      if (!ended) {
        listeners.add(listener);
      }
      return () -> {
        synchronized (this) {
          listeners.remove(listener);
        }
      };
    }
  }
}
