package org.berth.portal.proxy;

import io.netty.channel.Channel;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.berth.sharing.AccessListener;

/**
 * The proxy's open connections to each server that were let in for someone other than its owner
 * (collaborators, visitors): when access to a server narrows, they are closed at once, WebSockets
 * included, and whoever is still allowed simply asks again. Thread-safe.
 */
@Singleton
class GuestConnections implements AccessListener {

  private final Map<String, Set<Channel>> open = new ConcurrentHashMap<>();

  void add(String serverId, Channel channel) {
    Set<Channel> set = open.computeIfAbsent(serverId, k -> ConcurrentHashMap.newKeySet());
    if (set.add(channel)) {
      channel.closeFuture().addListener(f -> set.remove(channel));
    }
  }

  @Override
  public void accessNarrowed(String serverId) {
    Set<Channel> set = open.remove(serverId);
    if (set != null) {
      set.forEach(Channel::close);
    }
  }
}
