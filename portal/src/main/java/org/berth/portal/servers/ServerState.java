package org.berth.portal.servers;

/** Where a named server stands, as Berth records it. */
public enum ServerState {
  STARTING,
  RUNNING,
  STOPPED,
  FAILED
}
