package org.berth.portal.servers;

import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.berth.sharing.Visits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends visits past their lifetime or idle for too long, every {@code berth.visits.sweep-every}, so
 * that visitors' temporary servers (public links, Binder clients without an account) go with all
 * their changes.
 */
@Singleton
class VisitSweep {

  private static final Logger LOG = LoggerFactory.getLogger(VisitSweep.class);

  private final Visits visits;

  VisitSweep(Visits visits) {
    this.visits = visits;
  }

  @Scheduled(
      fixedDelay = "${berth.visits.sweep-every:15s}",
      initialDelay = "${berth.visits.sweep-every:15s}")
  void sweep() {
    try {
      int ended = visits.sweep();
      if (ended > 0) {
        LOG.info("Ended {} visits past their lifetime or idle", ended);
      }
    } catch (RuntimeException e) {
      LOG.warn("Could not sweep visits: {}", e.toString());
    }
  }
}
