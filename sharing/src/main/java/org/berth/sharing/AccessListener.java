package org.berth.sharing;

/**
 * Hears that someone may have lost access to a server (a collaborator removed or left, a group
 * share removed), so that whatever they hold open to it (a proxy's open connections and WebSockets)
 * is closed at once and must ask again. Called after the change, on the caller's thread.
 */
public interface AccessListener {

  void accessNarrowed(String serverId);
}
