package org.berth.sharing.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/** {@code berth.visits.*}: visitors' temporary servers. */
@ConfigurationProperties("berth.visits")
public interface VisitsProperties {

  /** The most time a visit lives, however busy. */
  @Bindable(defaultValue = "2h")
  Duration getLifetime();

  /** A visit with no activity for this long ends. */
  @Bindable(defaultValue = "15m")
  Duration getIdleTimeout();

  /** Visits at once through one public link. */
  @Bindable(defaultValue = "10")
  int getMaxPerLink();

  /** Visits at once over all links. */
  @Bindable(defaultValue = "20")
  int getMaxOverall();

  @Bindable(defaultValue = "512M")
  String getMemory();

  /**
   * A visitor's CPU quota. One CPU, as servers get by default: Jupyter's start-up is CPU-bound, and
   * at half a CPU a visitor waited 1.7 times as long as an unlimited {@code docker run}
   * (VisitBench).
   */
  @Bindable(defaultValue = "1")
  double getCpus();

  /** How often ended visits are swept away. */
  @Bindable(defaultValue = "15s")
  Duration getSweepEvery();
}
