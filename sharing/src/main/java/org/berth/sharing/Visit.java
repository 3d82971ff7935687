package org.berth.sharing;

import java.time.Instant;
import org.berth.launch.LaunchHandle;

/**
 * A visitor's temporary server: {@code id} is its server id (and origin), {@code session} the
 * visitor's browser session it belongs to, {@code linkId} the public link it came from, {@code
 * token} its secret (known to the proxy; handed to a Binder client as the key to this server
 * alone). It is never the owner's server, and is destroyed with all its changes when it ends.
 */
public record Visit(
    String id,
    String linkId,
    String session,
    String ownerServerId,
    String token,
    Instant startedAt,
    LaunchHandle handle) {

  /** The path every request to it starts with. */
  public String baseUrl() {
    return "/visit/" + id + "/";
  }

  public boolean ready() {
    return handle != null;
  }

  Visit started(LaunchHandle h) {
    return new Visit(id, linkId, session, ownerServerId, token, startedAt, h);
  }
}
