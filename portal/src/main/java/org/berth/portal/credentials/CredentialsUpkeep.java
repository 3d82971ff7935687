package org.berth.portal.credentials;

import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.berth.launch.CredentialsHandOver;
import org.berth.launch.ServerState;
import org.berth.launch.ServerStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Keeps the token files of running servers fresh, every few seconds. */
@Singleton
class CredentialsUpkeep {

  private static final Logger LOG = LoggerFactory.getLogger(CredentialsUpkeep.class);

  private final CredentialsHandOver handOver;
  private final ServerStore store;

  CredentialsUpkeep(CredentialsHandOver handOver, ServerStore store) {
    this.handOver = handOver;
    this.store = store;
  }

  @Scheduled(fixedDelay = "${berth.oidc.credentials-every:5s}", initialDelay = "5s")
  void refresh() {
    try {
      handOver.refresh(store.listByState(ServerState.RUNNING));
    } catch (RuntimeException e) {
      LOG.warn("Renewing servers' tokens failed; it runs again soon: {}", e.getMessage());
    }
  }
}
