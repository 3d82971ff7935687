package org.berth.portal.proxy;

import io.micronaut.scheduling.TaskExecutors;
import io.netty.channel.Channel;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import org.berth.launch.Principal;
import org.berth.launch.Route;
import org.berth.launch.UserName;
import org.berth.portal.account.UserGroups;
import org.berth.sharing.Requester;
import org.berth.sharing.Role;
import org.berth.sharing.Sharing;
import org.berth.sharing.Visit;
import org.berth.sharing.Visits;

/**
 * The proxy's side of the one access decision ({@link Sharing#decide}): who a request's sender is
 * to the server it asks for. The owner and visitors are answered from memory (the route, the
 * visit); anyone else is asked of the records afresh, off the event loop, at every request, so a
 * removed collaborator is refused at once. Connections admitted for someone other than the owner
 * are remembered ({@link GuestConnections}) and closed when access to it narrows. Thread-safe.
 */
@Singleton
public class Admission {

  /** How an origin session names a visitor's browser: {@code visit:<session>}. */
  public static final String VISITOR_PREFIX = "visit:";

  private final Sharing sharing;
  private final Visits visits;
  private final UserGroups groups;
  private final ExecutorService blocking;
  private final GuestConnections guests;

  Admission(
      Sharing sharing,
      Visits visits,
      UserGroups groups,
      GuestConnections guests,
      @Named(TaskExecutors.BLOCKING) ExecutorService blocking) {
    this.guests = guests;
    this.sharing = sharing;
    this.visits = visits;
    this.groups = groups;
    this.blocking = blocking;
  }

  /**
   * The visit a request's token opens: a Binder client without an account holds its visit's token
   * ({@code Authorization: token …}, or {@code ?token=} on WebSocket addresses). Empty otherwise.
   */
  Optional<Visit> visitOfToken(String serverId, Optional<String> token) {
    return token.flatMap(t -> visits.byToken(serverId, t));
  }

  /**
   * What {@code user} (a user name, or {@code visit:<session>}; empty for nobody) is to the server
   * behind {@code route}. Completed at once for owners, visitors and strangers to visits.
   */
  CompletableFuture<Role> role(String serverId, Route route, Optional<String> user) {
    if (user.isEmpty()) {
      return CompletableFuture.completedFuture(Role.NOBODY);
    }
    String who = user.get();
    Optional<Visit> visit = visits.find(serverId);
    if (visit.isPresent()) {
      boolean theirs =
          who.startsWith(VISITOR_PREFIX)
              && visit.get().session().equals(who.substring(VISITOR_PREFIX.length()));
      return CompletableFuture.completedFuture(theirs ? Role.VISITOR : Role.NOBODY);
    }
    if (who.startsWith(VISITOR_PREFIX)) {
      return CompletableFuture.completedFuture(Role.NOBODY);
    }
    if (route.owner().value().equals(who)) {
      return CompletableFuture.completedFuture(Role.OWNER);
    }
    return CompletableFuture.supplyAsync(
        () ->
            sharing.decide(
                serverId, new Requester.User(new Principal(UserName.parse(who), groups.of(who)))),
        blocking);
  }

  /** Remembers a connection let in for someone other than the owner, to close it if need be. */
  void admitted(String serverId, Role role, Channel channel) {
    if (role != Role.OWNER) {
      guests.add(serverId, channel);
    }
  }
}
