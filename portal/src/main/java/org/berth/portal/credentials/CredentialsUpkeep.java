package org.berth.portal.credentials;

import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import org.berth.launch.CredentialsHandOver;
import org.berth.launch.Server;
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
      // Starting servers count too: one whose token was just written must not be forgotten (and
      // written again) because its record says running a moment later.
      List<Server> live = new ArrayList<>(store.listByState(ServerState.RUNNING));
      live.addAll(store.listByState(ServerState.STARTING));
      handOver.refresh(live);
    } catch (RuntimeException e) {
      LOG.warn("Renewing servers' tokens failed; it runs again soon: {}", e.getMessage());
    }
  }
}
