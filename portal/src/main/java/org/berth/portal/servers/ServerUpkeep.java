package org.berth.portal.servers;

import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.berth.launch.Servers;
import org.berth.sharing.Visits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the upkeep of servers and visits on a schedule: reconciliation, culling, ended visits. */
@Singleton
class ServerUpkeep {

  private static final Logger LOG = LoggerFactory.getLogger(ServerUpkeep.class);

  private final Servers servers;
  private final Visits visits;

  ServerUpkeep(Servers servers, Visits visits) {
    this.servers = servers;
    this.visits = visits;
  }

  /** Ends visitors' temporary servers past their lifetime or idle for too long. */
  @Scheduled(fixedDelay = "${berth.visits.sweep-every:15s}", initialDelay = "15s")
  void sweepVisits() {
    try {
      visits.sweep();
    } catch (RuntimeException e) {
      LOG.warn("Ending visits failed; it runs again soon", e);
    }
  }

  @Scheduled(fixedDelay = "${berth.launch.reconcile-every:30s}", initialDelay = "1s")
  void reconcile() {
    try {
      servers.reconcile();
    } catch (RuntimeException e) {
      LOG.warn("Reconciliation failed; it runs again soon", e);
    }
  }

  @Scheduled(fixedDelay = "${berth.launch.cull-every:60s}", initialDelay = "60s")
  void cull() {
    try {
      servers.cull();
    } catch (RuntimeException e) {
      LOG.warn("Culling failed; it runs again soon", e);
    }
  }
}
