package org.berth.launch;

import java.util.Map;

/**
 * What a back end needs to find a server again, even after Berth restarts: the back end's name and
 * a small map of its own state (for Docker: the container id). The portal stores it as it is.
 */
public record LaunchHandle(String backend, Map<String, String> state) {

  public LaunchHandle {
    state = Map.copyOf(state);
  }

  public String get(String key) {
    return state.get(key);
  }
}
