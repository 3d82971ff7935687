package org.berth.launch;

/** Where a named server stands, as Berth records it. */
public enum ServerState {
  /** A launch is starting it (the container may not exist yet). */
  STARTING,
  /** It runs and the proxy routes to it. */
  RUNNING,
  /** Stopped by its owner, the culler, or outside Berth; its data is kept. */
  STOPPED,
  /** Its latest start failed; the message says why. Its data is kept. */
  FAILED
}
