package org.berth.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.berth.launch.MountSpec;
import org.berth.launch.ServerSpec;
import org.junit.jupiter.api.Test;

/** Full-spec links and when a launch must show its confirmation, in memory. */
class LaunchLinksTest {

  static final MountSpec RO = new MountSpec("/srv/data", "data", true, "", null);
  static final MountSpec RW = MountSpec.of("/home/jovyan/shared", "team");

  final InMemoryShareStore store = new InMemoryShareStore();
  final LaunchLinks links =
      new LaunchLinks(store, Clock.fixed(Instant.parse("2026-11-27T10:00:00Z"), ZoneOffset.UTC));

  static LaunchLinks.Asked form(List<MountSpec> mounts, List<String> collaborators) {
    return new LaunchLinks.Asked(false, "https://h/r", "main", mounts, false, collaborators, false);
  }

  static LaunchLinks.Asked link() {
    return new LaunchLinks.Asked(true, "https://h/r", "main", List.of(), false, List.of(), false);
  }

  @Test
  void aPlainFormLaunchStartsWithoutAsking() {
    assertEquals(
        LaunchLinks.Verdict.LAUNCH,
        links.check("alice", form(List.of(RO), List.of()), null, false));
  }

  @Test
  void aLinkWritableMountsOrCollaboratorsAskUntilConfirmedWithTheSamePermissions() {
    for (LaunchLinks.Asked asked :
        List.of(link(), form(List.of(RW), List.of()), form(List.of(), List.of("bob")))) {
      assertEquals(LaunchLinks.Verdict.CONFIRM, links.check("alice", asked, null, false));
      assertEquals(
          LaunchLinks.Verdict.CONFIRM,
          links.check("alice", asked, "0".repeat(64), false),
          "a made-up hash is no confirmation");
      String hash = asked.confirmation().permissionsHash();
      assertEquals(LaunchLinks.Verdict.LAUNCH, links.check("alice", asked, hash, false));
      assertEquals(
          LaunchLinks.Verdict.CONFIRM,
          links.check("alice", asked, null, false),
          "confirming once is not trusting");
    }
  }

  @Test
  void dontAskAgainHoldsPerUserUntilThePermissionsChange() {
    LaunchLinks.Asked rw = form(List.of(RW), List.of());
    links.check("alice", rw, rw.confirmation().permissionsHash(), true);
    assertEquals(LaunchLinks.Verdict.LAUNCH, links.check("alice", rw, null, false));
    assertTrue(links.trusted("alice", rw));
    assertEquals(LaunchLinks.Verdict.CONFIRM, links.check("bob", rw, null, false), "per user");
    LaunchLinks.Asked wider = form(List.of(RW, MountSpec.of("/srv/more", "more")), List.of());
    assertEquals(LaunchLinks.Verdict.CONFIRM, links.check("alice", wider, null, false));
    LaunchLinks.Asked shared = form(List.of(RW), List.of("carol"));
    assertEquals(LaunchLinks.Verdict.CONFIRM, links.check("alice", shared, null, false));
    LaunchLinks.Asked newRef =
        new LaunchLinks.Asked(false, "https://h/r", "v2", List.of(RW), false, List.of(), false);
    assertEquals(
        LaunchLinks.Verdict.LAUNCH,
        links.check("alice", newRef, null, false),
        "a new commit of the same repository asks nothing new");
  }

  @Test
  void credentialsAskUnlessConfirmedOnTheirOwnPageButStillCountInThePermissions() {
    LaunchLinks.Asked token =
        new LaunchLinks.Asked(false, "https://h/r", "main", List.of(), true, List.of(), false);
    assertEquals(LaunchLinks.Verdict.CONFIRM, links.check("alice", token, null, false));
    LaunchLinks.Asked confirmed =
        new LaunchLinks.Asked(
            false, "https://h/r", "main", List.of(), true, true, List.of(), false);
    assertEquals(LaunchLinks.Verdict.LAUNCH, links.check("alice", confirmed, null, false));
    LaunchLinks.Asked withMount =
        new LaunchLinks.Asked(
            false, "https://h/r", "main", List.of(RW), true, true, List.of(), false);
    assertEquals(LaunchLinks.Verdict.CONFIRM, links.check("alice", withMount, null, false));
    assertNotEquals(
        form(List.of(RW), List.of()).confirmation().permissionsHash(),
        withMount.confirmation().permissionsHash(),
        "a token handed over is a permission of its own");
  }

  @Test
  void aConfirmationPageFromBeforeAChangeAsksAgain() {
    LaunchLinks.Asked before = form(List.of(RO), List.of("bob"));
    String oldHash = before.confirmation().permissionsHash();
    LaunchLinks.Asked now = form(List.of(RO.readOnly() ? RW : RO), List.of("bob"));
    assertEquals(LaunchLinks.Verdict.CONFIRM, links.check("alice", now, oldHash, true));
    assertEquals(LaunchLinks.Verdict.CONFIRM, links.check("alice", now, null, false));
  }

  @Test
  void aSavedLinkKeepsItsSpecBehindAnUnguessableId() {
    SavedLink saved =
        links.save(
            "alice",
            new LaunchLinks.Draft(
                " https://h/r ", "", "course", "1G", 0.5, "2h", "index.ipynb", List.of(RO, RW)));
    assertTrue(saved.id().matches("[A-Za-z0-9_-]{24}"), saved.id());
    assertEquals(saved, links.find(saved.id()));
    assertEquals("HEAD", saved.ref());
    assertEquals("https://h/r", saved.repo());
    assertEquals(
        List.of("alice/data", "alice/team"),
        saved.mounts().stream().map(SavedLink.MountLine::volume).toList(),
        "the creator's volumes are named with their owner");
    ServerSpec.Request request = saved.request("0123abc");
    assertEquals("0123abc", request.ref());
    assertEquals("1G", request.memory());
    assertEquals(0.5, request.cpus());
    assertEquals("index.ipynb", request.path());
    assertEquals(2, request.mounts().size());
    assertTrue(request.mounts().get(0).readOnly());

    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      ids.add(
          links
              .save(
                  "alice",
                  new LaunchLinks.Draft("https://h/r", "main", "a", null, null, null, null, null))
              .id());
    }
    assertEquals(200, ids.size());
  }

  @Test
  void aTamperedOrMadeUpIdLeadsNowhere() {
    SavedLink saved =
        links.save(
            "alice",
            new LaunchLinks.Draft("https://h/r", "main", "a", null, null, null, null, null));
    String id = saved.id();
    String tampered = (id.charAt(0) == 'A' ? 'B' : 'A') + id.substring(1);
    assertNotEquals(id, tampered);
    for (String bad : List.of(tampered, id.substring(1), id + "x'", "../" + id, "", "%00")) {
      assertThrows(SharingException.NotFound.class, () -> links.find(bad), bad);
    }
    assertThrows(SharingException.NotFound.class, () -> links.find(null));
  }

  @Test
  void aLinkNeedsARepositoryAndAValidServerName() {
    assertThrows(
        SharingException.Invalid.class,
        () ->
            links.save(
                "alice", new LaunchLinks.Draft(" ", "main", "a", null, null, null, null, null)));
    SharingException e =
        assertThrows(
            SharingException.Invalid.class,
            () ->
                links.save(
                    "alice",
                    new LaunchLinks.Draft(
                        "https://h/r", "main", "<b>x", null, null, null, null, null)));
    assertTrue(e.getMessage().contains("lowercase"), e.getMessage());
  }
}
