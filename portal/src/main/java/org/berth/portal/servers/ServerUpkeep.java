package org.berth.portal.servers;

import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.berth.launch.Servers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the servers domain's upkeep on a schedule: reconciliation, then culling. */
@Singleton
class ServerUpkeep {

  private static final Logger LOG = LoggerFactory.getLogger(ServerUpkeep.class);

  private final Servers servers;

  ServerUpkeep(Servers servers) {
    this.servers = servers;
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
