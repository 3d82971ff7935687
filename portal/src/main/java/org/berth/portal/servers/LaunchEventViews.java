package org.berth.portal.servers;

import io.micronaut.http.sse.Event;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.berth.launch.LaunchEvent;
import org.berth.launch.LaunchEventLog;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/** A launch's events as the web streams them: Server-Sent Events named by phase, or "notice". */
public final class LaunchEventViews {

  private LaunchEventViews() {}

  /** One launch event as streamed to clients. */
  @Serdeable
  public record LaunchEventView(String phase, String message, List<String> log) {}

  public static Event<LaunchEventView> sse(LaunchEvent event) {
    if (event instanceof LaunchEvent.Notice n) {
      return Event.of(new LaunchEventView("notice", n.message(), n.details())).name("notice");
    }
    LaunchEvent.PhaseChanged p = (LaunchEvent.PhaseChanged) event;
    return Event.of(
            new LaunchEventView(p.phase().name().toLowerCase(), p.message(), p.lastLogLines()))
        .name(p.phase().name().toLowerCase());
  }

  /**
   * A launch's events as a stream, from a way to follow it (past events, then live ones),
   * completing when the launch ends; empty when there is nothing to follow.
   */
  public static Flux<LaunchEvent> stream(
      Function<Consumer<LaunchEvent>, Optional<AutoCloseable>> follow) {
    return Flux.defer(
        () -> {
          Sinks.Many<LaunchEvent> sink = Sinks.many().unicast().onBackpressureBuffer();
          Optional<AutoCloseable> following =
              follow.apply(
                  e -> {
                    sink.tryEmitNext(e);
                    if (LaunchEventLog.isEnd(e)) {
                      sink.tryEmitComplete();
                    }
                  });
          if (following.isEmpty()) {
            return Flux.empty();
          }
          return sink.asFlux().doFinally(signal -> close(following.get()));
        });
  }

  static void close(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // nothing left to release
    }
  }
}
