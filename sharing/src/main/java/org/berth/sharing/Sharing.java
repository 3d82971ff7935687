package org.berth.sharing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.berth.launch.Principal;
import org.berth.launch.Server;
import org.berth.launch.ServerName;
import org.berth.launch.ServerStore;
import org.berth.launch.UserName;
import org.berth.volumes.Grantee;

/**
 * The front door of sharing: who may reach which server (the one access decision), collaborators,
 * invite links and public access.
 *
 * <p>Decisions read the records at every call: a removed collaborator is refused at their next
 * request, with no cache to wait out. Only a server's owner changes who may reach it. Thread-safe.
 */
public final class Sharing {

  /** The shortest and longest life of an invite. */
  public static final Duration MIN_INVITE = Duration.ofMinutes(1);

  public static final Duration MAX_INVITE = Duration.ofDays(365);
  public static final Duration DEFAULT_INVITE = Duration.ofDays(1);

  private final ShareStore store;
  private final ServerStore servers;
  private final Function<String, Optional<String>> visitSession;
  private final Clock clock;
  private final List<AccessListener> listeners;

  /**
   * @param visitSession the visitor session a temporary server belongs to, by server id; empty for
   *     servers that are no visitor's
   */
  public Sharing(
      ShareStore store,
      ServerStore servers,
      Function<String, Optional<String>> visitSession,
      Clock clock,
      List<AccessListener> listeners) {
    this.listeners = List.copyOf(listeners);
    this.store = store;
    this.servers = servers;
    this.visitSession = visitSession;
    this.clock = clock;
  }

  /** A new invite and its secret, which is shown once and never kept. */
  public record NewInvite(Invite invite, String secret) {}

  /** What an invite offers, for the page that asks before accepting. */
  public record InviteOffer(
      UserName owner, ServerName server, Instant expiresAt, boolean alreadyGranted) {}

  /** What a requester is to a server; see {@link Role}. */
  public Role decide(String serverId, Requester who) {
    Optional<Server> server = servers.findByServerId(serverId);
    if (server.isPresent()) {
      if (!(who instanceof Requester.User user)) {
        return Role.NOBODY;
      }
      Principal p = user.principal();
      if (server.get().owner().equals(p.name())) {
        return Role.OWNER;
      }
      return collaborates(serverId, p) ? Role.COLLABORATOR : Role.NOBODY;
    }
    if (who instanceof Requester.Visitor visitor) {
      Optional<String> session = visitSession.apply(serverId);
      if (session.isPresent() && session.get().equals(visitor.session())) {
        return Role.VISITOR;
      }
    }
    return Role.NOBODY;
  }

  private boolean collaborates(String serverId, Principal p) {
    for (Grantee g : store.collaborators(serverId)) {
      if (g.covers(p)) {
        return true;
      }
    }
    return false;
  }

  /** Who the owner shares the server with; empty when nobody. */
  public List<Grantee> collaborators(Principal owner, String serverName) {
    return store.collaborators(owned(owner, serverName).serverId());
  }

  /** Shares the server with a user or a group; they act as the owner inside it. */
  public void addCollaborator(Principal owner, String serverName, Grantee grantee) {
    Server s = owned(owner, serverName);
    if (grantee.type() == Grantee.Type.USER && grantee.name().equals(owner.username())) {
      throw new SharingException.Invalid("You own " + serverName + " already.");
    }
    store.addCollaborator(s.serverId(), grantee);
  }

  /** Stops sharing with a user or group; their next request is refused. */
  public void removeCollaborator(Principal owner, String serverName, Grantee grantee) {
    Server s = owned(owner, serverName);
    if (!store.removeCollaborator(s.serverId(), grantee)) {
      throw new SharingException.NotFound(grantee + " does not share " + serverName + ".");
    }
    narrowed(s.serverId());
  }

  private void narrowed(String serverId) {
    listeners.forEach(l -> l.accessNarrowed(serverId));
  }

  /** The servers shared with the user (directly or through a group), not their own. */
  public List<Server> sharedWith(Principal p) {
    List<Server> out = new ArrayList<>();
    for (String id : store.serversSharedWith(grantees(p))) {
      servers.findByServerId(id).filter(s -> !s.owner().equals(p.name())).ifPresent(out::add);
    }
    out.sort(
        (a, b) ->
            (a.owner().value() + "/" + a.name()).compareTo(b.owner().value() + "/" + b.name()));
    return out;
  }

  /**
   * Another user's server shared with the caller.
   *
   * @throws SharingException.NotFound when there is none the caller may reach (nothing revealed)
   */
  public Server shared(Principal p, String owner, String name) {
    Server s = find(owner, name).orElseThrow(() -> notShared(owner, name));
    if (decide(s.serverId(), new Requester.User(p)) != Role.COLLABORATOR) {
      throw notShared(owner, name);
    }
    return s;
  }

  /**
   * Leaves a server shared with the caller by name. Access through a group cannot be left this way:
   * the message says so.
   */
  public void leave(Principal p, String owner, String name) {
    Server s = shared(p, owner, name);
    if (store.removeCollaborator(s.serverId(), Grantee.user(p.username()))) {
      narrowed(s.serverId());
    } else {
      throw new SharingException.Invalid(
          owner
              + " shares "
              + name
              + " with a group you belong to; ask "
              + owner
              + " to remove the group, or leave the group.");
    }
  }

  /**
   * Makes an invite link to the server, valid for {@code expiry} (1 minute to 1 year; null: 1 day).
   */
  public NewInvite invite(Principal owner, String serverName, Duration expiry) {
    Server s = owned(owner, serverName);
    Duration life = expiry == null ? DEFAULT_INVITE : expiry;
    if (life.compareTo(MIN_INVITE) < 0 || life.compareTo(MAX_INVITE) > 0) {
      throw new SharingException.Invalid(
          "An invite lasts from 1 minute to 1 year; " + words(life) + " is outside that.");
    }
    String secret = Secrets.random(24);
    Instant now = clock.instant();
    Invite invite =
        store.insertInvite(
            new Invite(
                Secrets.random(9),
                s.serverId(),
                Secrets.sha256(secret),
                now,
                now.plus(life),
                0,
                false));
    return new NewInvite(invite, secret);
  }

  /** The server's invites, oldest first, with their uses and state. */
  public List<Invite> invites(Principal owner, String serverName) {
    return store.invites(owned(owner, serverName).serverId());
  }

  public void revoke(Principal owner, String serverName, String inviteId) {
    Server s = owned(owner, serverName);
    Invite invite =
        store.invites(s.serverId()).stream()
            .filter(i -> i.id().equals(inviteId))
            .findFirst()
            .orElseThrow(
                () -> new SharingException.NotFound("There is no invite " + inviteId + "."));
    store.updateInvite(invite.revoke());
  }

  /** Revokes every invite of the server; returns how many were still usable. */
  public int revokeAll(Principal owner, String serverName) {
    Server s = owned(owner, serverName);
    int n = 0;
    for (Invite i : store.invites(s.serverId())) {
      if (i.usableAt(clock.instant())) {
        n++;
      }
      if (!i.revoked()) {
        store.updateInvite(i.revoke());
      }
    }
    return n;
  }

  /**
   * What an invite offers a signed-in user, before they accept.
   *
   * @throws SharingException.NotFound when no invite has this secret
   * @throws SharingException.Gone when it expired or was revoked
   */
  public InviteOffer offer(Principal p, String secret) {
    Invite invite = usable(secret);
    Server s =
        servers
            .findByServerId(invite.serverId())
            .orElseThrow(() -> new SharingException.Gone("The server of this invite was deleted."));
    boolean already = decide(s.serverId(), new Requester.User(p)) != Role.NOBODY;
    return new InviteOffer(s.owner(), s.name(), invite.expiresAt(), already);
  }

  /** Accepts an invite: the user becomes a collaborator of its server. */
  public Server accept(Principal p, String secret) {
    Invite invite = usable(secret);
    Server s =
        servers
            .findByServerId(invite.serverId())
            .orElseThrow(() -> new SharingException.Gone("The server of this invite was deleted."));
    if (!s.owner().equals(p.name())) {
      store.addCollaborator(s.serverId(), Grantee.user(p.username()));
    }
    store.updateInvite(invite.used());
    return s;
  }

  private Invite usable(String secret) {
    Invite invite =
        store
            .inviteBySecretHash(Secrets.sha256(secret == null ? "" : secret))
            .orElseThrow(
                () ->
                    new SharingException.NotFound(
                        "This invite link is not valid. Check that it was copied whole."));
    if (invite.revoked()) {
      throw new SharingException.Gone(
          "This invite was revoked by the server's owner. Ask them for a new one.");
    }
    if (!invite.usableAt(clock.instant())) {
      throw new SharingException.Gone("This invite expired. Ask the server's owner for a new one.");
    }
    return invite;
  }

  /**
   * Turns visitors' access to the server on or off. The public link stays the same while it is on;
   * turning it off and on again makes a new one.
   */
  public PublicAccess setPublic(
      Principal owner, String serverName, boolean enabled, boolean mountsReadOnly) {
    Server s = owned(owner, serverName);
    Optional<PublicAccess> old = store.publicAccess(s.serverId());
    String link =
        old.filter(PublicAccess::enabled).map(PublicAccess::linkId).orElse(Secrets.random(12));
    return store.savePublicAccess(new PublicAccess(s.serverId(), link, enabled, mountsReadOnly));
  }

  public Optional<PublicAccess> publicAccess(Principal owner, String serverName) {
    return store.publicAccess(owned(owner, serverName).serverId());
  }

  /**
   * The server a public link shows.
   *
   * @throws SharingException.NotFound when no server is public under this link
   */
  public PublicTarget publicTarget(String linkId) {
    PublicAccess access =
        store
            .publicAccessByLink(linkId == null ? "" : linkId)
            .filter(PublicAccess::enabled)
            .orElseThrow(
                () ->
                    new SharingException.NotFound(
                        "This public link does not lead anywhere: its owner turned it off, or it"
                            + " was mistyped."));
    Server s =
        servers
            .findByServerId(access.serverId())
            .orElseThrow(() -> new SharingException.NotFound("The server of this link is gone."));
    return new PublicTarget(s, access);
  }

  /**
   * Every server whose owner turned public access on, for the front page: at most {@code limit}, in
   * a stable order. A record whose server is gone is left out.
   */
  public List<PublicTarget> publicServers(int limit) {
    List<PublicTarget> out = new ArrayList<>();
    for (PublicAccess access : store.enabledPublicAccesses()) {
      if (out.size() >= limit) {
        break;
      }
      servers
          .findByServerId(access.serverId())
          .ifPresent(s -> out.add(new PublicTarget(s, access)));
    }
    return out;
  }

  /** A public server and how visitors see it. */
  public record PublicTarget(Server server, PublicAccess access) {}

  /** Forgets everything shared about a deleted server. */
  public void serverDeleted(String serverId) {
    store.forgetServer(serverId);
  }

  private Server owned(Principal owner, String serverName) {
    return find(owner.username(), serverName)
        .filter(s -> s.owner().equals(owner.name()))
        .orElseThrow(
            () -> new SharingException.NotFound("You have no server named " + serverName + "."));
  }

  private Optional<Server> find(String owner, String name) {
    try {
      return servers.find(new UserName(owner), new ServerName(name));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private static SharingException notShared(String owner, String name) {
    return new SharingException.NotFound(
        "There is no server " + owner + "/" + name + " shared with you.");
  }

  private static List<Grantee> grantees(Principal p) {
    List<Grantee> out = new ArrayList<>();
    out.add(Grantee.user(p.username()));
    p.groups().forEach(g -> out.add(Grantee.group(g)));
    return out;
  }

  private static String words(Duration d) {
    return d.toMinutes() + " minutes";
  }
}
