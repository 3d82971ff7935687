package org.berth.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.berth.launch.InMemoryServerStore;
import org.berth.launch.Principal;
import org.berth.launch.Resources;
import org.berth.launch.Server;
import org.berth.launch.ServerName;
import org.berth.launch.ServerSpec;
import org.berth.launch.ServerState;
import org.berth.launch.UserName;
import org.berth.volumes.Grantee;
import org.junit.jupiter.api.Test;

/** Who may reach which server, collaborators, invites and public access, in memory. */
class SharingTest {

  static final Principal ALICE = Principal.of("alice");
  static final Principal BOB = Principal.of("bob");
  static final Principal CAROL = Principal.of("carol");

  Instant now = Instant.parse("2026-11-27T10:00:00Z");
  final InMemoryServerStore servers = new InMemoryServerStore();
  final InMemoryShareStore store = new InMemoryShareStore();
  final Map<String, String> visits = new HashMap<>();
  final List<String> narrowed = new java.util.ArrayList<>();
  final Sharing sharing =
      new Sharing(
          store,
          servers,
          id -> Optional.ofNullable(visits.get(id)),
          new Clock() {
            @Override
            public java.time.ZoneId getZone() {
              return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
              return this;
            }

            @Override
            public Instant instant() {
              return now;
            }
          },
          List.of(narrowed::add));
  final Server lab = server(ALICE, "lab", "lab1");

  Server server(Principal owner, String name, String id) {
    return servers.insert(
        new Server(
            owner.name(),
            new ServerName(name),
            id,
            new ServerSpec(
                ServerSpec.Source.NONE,
                "img",
                new Resources(64L << 20, 1, Duration.ofHours(1), Duration.ZERO),
                false,
                ""),
            "t",
            ServerState.RUNNING,
            null,
            null,
            now,
            now));
  }

  static Requester user(Principal p) {
    return new Requester.User(p);
  }

  @Test
  void theOwnerIsAdmittedAndNobodyElseUntilShared() {
    assertEquals(Role.OWNER, sharing.decide("lab1", user(ALICE)));
    assertEquals(Role.NOBODY, sharing.decide("lab1", user(BOB)));
    assertEquals(Role.NOBODY, sharing.decide("lab1", new Requester.Nobody()));
    assertEquals(Role.NOBODY, sharing.decide("lab1", new Requester.Visitor("v")));
    assertEquals(Role.NOBODY, sharing.decide("no-such", user(ALICE)));
  }

  @Test
  void aCollaboratorIsAdmittedUntilRemovedAtTheNextDecision() {
    sharing.addCollaborator(ALICE, "lab", Grantee.user("bob"));
    assertEquals(Role.COLLABORATOR, sharing.decide("lab1", user(BOB)));
    assertEquals(List.of(lab), sharing.sharedWith(BOB));

    sharing.removeCollaborator(ALICE, "lab", Grantee.user("bob"));

    assertEquals(List.of("lab1"), narrowed, "open connections are told to close");
    assertEquals(Role.NOBODY, sharing.decide("lab1", user(BOB)));
    assertTrue(sharing.sharedWith(BOB).isEmpty());
  }

  @Test
  void aGroupShareAdmitsItsMembersOnly() {
    sharing.addCollaborator(ALICE, "lab", Grantee.group("physics"));
    Principal inGroup = new Principal(new UserName("dave"), Set.of("physics"));
    assertEquals(Role.COLLABORATOR, sharing.decide("lab1", user(inGroup)));
    assertEquals(Role.NOBODY, sharing.decide("lab1", user(Principal.of("dave"))));
    SharingException e =
        assertThrows(SharingException.Invalid.class, () -> sharing.leave(inGroup, "alice", "lab"));
    assertTrue(e.getMessage().contains("group"), e.getMessage());
  }

  @Test
  void aCollaboratorCanLeaveAndOnlyTheOwnerChangesSharing() {
    sharing.addCollaborator(ALICE, "lab", Grantee.user("bob"));
    assertThrows(
        SharingException.NotFound.class,
        () -> sharing.addCollaborator(BOB, "lab", Grantee.user("carol")));
    assertThrows(SharingException.NotFound.class, () -> sharing.collaborators(BOB, "lab"));

    sharing.leave(BOB, "alice", "lab");

    assertEquals(Role.NOBODY, sharing.decide("lab1", user(BOB)));
    assertThrows(SharingException.NotFound.class, () -> sharing.shared(BOB, "alice", "lab"));
  }

  @Test
  void anInviteIsShownOnceUsedManyTimesAndCounted() {
    Sharing.NewInvite invite = sharing.invite(ALICE, "lab", null);
    assertEquals(now.plus(Duration.ofDays(1)), invite.invite().expiresAt(), "one day by default");
    assertFalse(
        store.invites("lab1").get(0).secretHash().contains(invite.secret()), "only a hash is kept");

    Sharing.InviteOffer offer = sharing.offer(BOB, invite.secret());
    assertEquals("alice", offer.owner().value());
    assertEquals("lab", offer.server().value());
    assertEquals(Role.NOBODY, sharing.decide("lab1", user(BOB)), "nothing granted before accept");

    sharing.accept(BOB, invite.secret());
    sharing.accept(CAROL, invite.secret());

    assertEquals(Role.COLLABORATOR, sharing.decide("lab1", user(BOB)));
    assertEquals(Role.COLLABORATOR, sharing.decide("lab1", user(CAROL)));
    assertEquals(2, sharing.invites(ALICE, "lab").get(0).uses());
  }

  @Test
  void anExpiredOrRevokedInviteGrantsNothing() {
    Sharing.NewInvite shortOne = sharing.invite(ALICE, "lab", Duration.ofMinutes(1));
    Sharing.NewInvite revoked = sharing.invite(ALICE, "lab", Duration.ofDays(7));
    sharing.revoke(ALICE, "lab", revoked.invite().id());
    now = now.plus(Duration.ofMinutes(2));

    SharingException.Gone expired =
        assertThrows(SharingException.Gone.class, () -> sharing.accept(BOB, shortOne.secret()));
    assertTrue(expired.getMessage().contains("expired"), expired.getMessage());
    SharingException.Gone gone =
        assertThrows(SharingException.Gone.class, () -> sharing.accept(BOB, revoked.secret()));
    assertTrue(gone.getMessage().contains("revoked"), gone.getMessage());
    assertThrows(SharingException.NotFound.class, () -> sharing.accept(BOB, "made-up"));
    assertEquals(Role.NOBODY, sharing.decide("lab1", user(BOB)));
  }

  @Test
  void revokeAllStopsEveryInviteAndExpiriesAreBounded() {
    Sharing.NewInvite a = sharing.invite(ALICE, "lab", Duration.ofHours(1));
    Sharing.NewInvite b = sharing.invite(ALICE, "lab", Duration.ofDays(365));
    assertEquals(2, sharing.revokeAll(ALICE, "lab"));
    assertThrows(SharingException.Gone.class, () -> sharing.accept(BOB, a.secret()));
    assertThrows(SharingException.Gone.class, () -> sharing.accept(BOB, b.secret()));
    assertThrows(
        SharingException.Invalid.class, () -> sharing.invite(ALICE, "lab", Duration.ofSeconds(30)));
    assertThrows(
        SharingException.Invalid.class, () -> sharing.invite(ALICE, "lab", Duration.ofDays(366)));
    assertThrows(SharingException.NotFound.class, () -> sharing.invite(BOB, "lab", null));
  }

  @Test
  void aVisitorReachesOnlyTheirOwnTemporaryServerNeverTheOwners() {
    visits.put("visit1", "session-a");
    visits.put("visit2", "session-b");

    assertEquals(Role.VISITOR, sharing.decide("visit1", new Requester.Visitor("session-a")));
    assertEquals(Role.NOBODY, sharing.decide("visit2", new Requester.Visitor("session-a")));
    assertEquals(Role.NOBODY, sharing.decide("lab1", new Requester.Visitor("session-a")));
    assertEquals(Role.NOBODY, sharing.decide("visit1", user(ALICE)));
  }

  @Test
  void aPublicLinkLeadsToTheServerOnlyWhileItIsOn() {
    PublicAccess on = sharing.setPublic(ALICE, "lab", true, true);
    assertEquals(lab, sharing.publicTarget(on.linkId()).server());
    assertEquals(on.linkId(), sharing.setPublic(ALICE, "lab", true, false).linkId(), "stable");

    sharing.setPublic(ALICE, "lab", false, true);
    assertThrows(SharingException.NotFound.class, () -> sharing.publicTarget(on.linkId()));
    PublicAccess again = sharing.setPublic(ALICE, "lab", true, true);
    assertNotEquals(on.linkId(), again.linkId(), "a link turned off never comes back");
    assertThrows(SharingException.NotFound.class, () -> sharing.setPublic(BOB, "lab", true, true));
  }

  @Test
  void theFrontPageListsOnlyServersWhosePublicAccessIsOn() {
    Server other = server(BOB, "notes", "notes1");
    server(CAROL, "quiet", "quiet1");
    assertEquals(List.of(), sharing.publicServers(10));
    sharing.setPublic(ALICE, "lab", true, true);
    sharing.setPublic(BOB, "notes", true, false);
    assertEquals(
        List.of(lab, other),
        sharing.publicServers(10).stream().map(Sharing.PublicTarget::server).toList());
    assertEquals(1, sharing.publicServers(1).size(), "capped");
    sharing.setPublic(BOB, "notes", false, false);
    assertEquals(
        List.of(lab),
        sharing.publicServers(10).stream().map(Sharing.PublicTarget::server).toList());
    servers.delete(lab);
    assertEquals(List.of(), sharing.publicServers(10), "a deleted server is not listed");
  }

  @Test
  void aDeletedServerTakesItsSharingWithIt() {
    sharing.addCollaborator(ALICE, "lab", Grantee.user("bob"));
    Sharing.NewInvite invite = sharing.invite(ALICE, "lab", null);
    sharing.serverDeleted("lab1");
    servers.delete(lab);
    assertTrue(sharing.sharedWith(BOB).isEmpty());
    assertThrows(SharingException.NotFound.class, () -> sharing.accept(BOB, invite.secret()));
  }
}
