package org.berth.volumes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.berth.launch.InMemoryServerStore;
import org.berth.launch.LaunchEvent;
import org.berth.launch.LaunchException;
import org.berth.launch.Mount;
import org.berth.launch.MountSpec;
import org.berth.launch.Principal;
import org.berth.launch.Resources;
import org.berth.launch.Server;
import org.berth.launch.ServerName;
import org.berth.launch.ServerSpec;
import org.berth.launch.ServerState;
import org.berth.launch.UserName;
import org.junit.jupiter.api.Test;

/** The volumes domain on an in-memory store and back end. */
class VolumesTest {

  static final Principal ALICE = Principal.of("alice");
  static final Principal BOB = Principal.of("bob");
  static final Principal CAROL = Principal.of("carol");
  static final Principal DAVE_IN_PHYSICS = new Principal(new UserName("dave"), Set.of("physics"));
  static final Principal DAVE_LEFT = Principal.of("dave");

  final InMemoryVolumeStore store = new InMemoryVolumeStore();
  final FakeVolumeBackend backend = new FakeVolumeBackend();
  final InMemoryServerStore servers = new InMemoryServerStore();
  final Volumes volumes =
      new Volumes(
          store, backend, servers, new VolumeSettings(4, 0, "me", 1 << 20), Clock.systemUTC());
  final Map<String, SeedSource.Snapshot> repos = new java.util.HashMap<>();
  final VolumeMounts mounts = new VolumeMounts(volumes, (repo, ref) -> repos.get(repo + "@" + ref));
  final List<LaunchEvent> events = new ArrayList<>();

  static ServerSpec spec(MountSpec... ms) {
    return new ServerSpec(
        ServerSpec.Source.NONE,
        "img",
        new Resources(64L << 20, 1, Duration.ofHours(1), Duration.ZERO),
        false,
        "",
        List.of(ms),
        Map.of("course", "physics", "session", "week1"));
  }

  Server server(Principal owner, String name, ServerSpec spec) {
    return servers.insert(
        new Server(
            owner.name(),
            new ServerName(name),
            (owner.username() + name).replaceAll("[^a-z0-9]", ""),
            spec,
            "t",
            ServerState.STOPPED,
            null,
            null,
            Instant.now(),
            null));
  }

  List<Mount> mountsOf(Principal owner, Server s) {
    mounts.check(owner, s.name(), s.spec());
    return mounts.mountsFor(owner, s, events::add);
  }

  @Test
  void oneUsersHomeInTheMakingHoldsUpNoOtherUsersLaunch() throws Exception {
    java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    FakeVolumeBackend slow =
        new FakeVolumeBackend() {
          @Override
          public void createHome(String source, Map<String, String> labels) {
            if (source.contains("alice")) {
              inside.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
            super.createHome(source, labels);
          }
        };
    Volumes both =
        new Volumes(
            store, slow, servers, new VolumeSettings(4, 0, "me", 1 << 20), Clock.systemUTC());
    Thread alice = new Thread(() -> both.home(ALICE.name()));
    alice.start();
    assertTrue(inside.await(5, java.util.concurrent.TimeUnit.SECONDS));
    try {
      // Alice's home is still being made (the engine is slow); Bob's launch goes on regardless.
      java.util.concurrent.CompletableFuture<Volume> bob =
          java.util.concurrent.CompletableFuture.supplyAsync(() -> both.home(BOB.name()));
      assertEquals(BOB.name(), bob.get(5, java.util.concurrent.TimeUnit.SECONDS).owner());
    } finally {
      release.countDown();
      alice.join();
    }
    assertEquals(ALICE.name(), both.home(ALICE.name()).owner());
  }

  @Test
  void everyServerMountsItsOwnersPersonalHomeByDefault() {
    Server lab = server(ALICE, "lab", spec());
    Server other = server(ALICE, "other", spec());

    List<Mount> first = mountsOf(ALICE, lab);

    assertEquals(List.of(Mount.of("/home/jovyan", "berth-me-home-alice")), first);
    assertEquals(first, mountsOf(ALICE, other), "one home for all of alice's servers");
    assertTrue(backend.exists("berth-me-home-alice"));
  }

  static ServerSpec imageSpec(String image) {
    return new ServerSpec(
        ServerSpec.Source.NONE,
        image,
        new Resources(64L << 20, 1, Duration.ofHours(1), Duration.ZERO),
        false,
        "",
        List.of(),
        Map.of());
  }

  @Test
  void anotherImagesHomeFilesComeIntoTheHomeOnceAndWhatTheUserDeletedStaysDeleted() {
    mountsOf(ALICE, server(ALICE, "lab", imageSpec("img")));
    String home = "berth-me-home-alice";
    backend.images.put("img2", Map.of("intro.ipynb", "upstream".getBytes()));

    Server course = server(ALICE, "course", imageSpec("img2"));
    mountsOf(ALICE, course);
    assertEquals("upstream", backend.text(home, "intro.ipynb"), "the new image's files arrive");

    backend.volumes.get(home).remove("intro.ipynb"); // the user deletes it
    mountsOf(ALICE, server(ALICE, "course2", imageSpec("img2")));
    assertNull(
        backend.text(home, "intro.ipynb"),
        "another server of an image the home already has brings nothing back");
    mountsOf(ALICE, course);
    assertNull(backend.text(home, "intro.ipynb"), "nor does a restart");
  }

  @Test
  void aServerFromBeforePersonalHomesKeepsItsOwnHome() {
    Server old = server(ALICE, "old", spec());
    backend.create(VolumeMounts.legacyHome(old.serverId()), Map.of());
    assertEquals(
        List.of(Mount.of("/home/jovyan", "berth-home-" + old.serverId())), mountsOf(ALICE, old));
  }

  @Test
  void aSharedVolumeIsMountedByItsMembersAndRefusedToOthers() {
    volumes.create(ALICE, "data");
    volumes.share(ALICE, "data", new Member(Grantee.user("bob"), Access.READ_WRITE));

    Server bobs = server(BOB, "b", spec(MountSpec.of("/home/jovyan/shared", "alice/data")));
    Mount shared = mountsOf(BOB, bobs).get(1);
    assertEquals("/home/jovyan/shared", shared.target());
    assertFalse(shared.readOnly());
    assertEquals(volumes.get(ALICE, "data").volume().source(), shared.source());

    Server carols = server(CAROL, "c", spec(MountSpec.of("/home/jovyan/shared", "alice/data")));
    LaunchException.MountForbidden refused =
        assertThrows(LaunchException.MountForbidden.class, () -> mountsOf(CAROL, carols));
    assertTrue(refused.getMessage().contains("alice/data"), refused.getMessage());
    assertTrue(volumes.list(CAROL).isEmpty(), "carol does not see it listed");
    assertThrows(VolumeException.NotFound.class, () -> volumes.get(CAROL, "alice/data"));
  }

  @Test
  void aReaderCannotMountWritableButCanMountReadOnly() {
    volumes.create(ALICE, "course");
    volumes.share(ALICE, "course", new Member(Grantee.user("bob"), Access.READ_ONLY));
    Server rw = server(BOB, "rw", spec(MountSpec.of("/srv/course", "alice/course")));
    LaunchException.MountForbidden e =
        assertThrows(LaunchException.MountForbidden.class, () -> mountsOf(BOB, rw));
    assertTrue(e.getMessage().contains("read-only"), e.getMessage());

    Server ro =
        server(BOB, "ro", spec(new MountSpec("/srv/course", "alice/course", true, "", null)));
    assertTrue(mountsOf(BOB, ro).get(1).readOnly());
  }

  @Test
  void aGroupMemberMountsTheGroupsVolumeUntilTheyLeaveTheGroup() {
    volumes.create(ALICE, "lab-data");
    volumes.share(ALICE, "lab-data", new Member(Grantee.group("physics"), Access.READ_ONLY));
    Server s =
        server(
            DAVE_IN_PHYSICS,
            "d",
            spec(new MountSpec("/srv/data", "alice/lab-data", true, "", null)));

    assertEquals(2, mountsOf(DAVE_IN_PHYSICS, s).size());
    assertThrows(LaunchException.MountForbidden.class, () -> mountsOf(DAVE_LEFT, s));
  }

  @Test
  void studentsOfOneCourseSpecGetDistinctDirectoriesKeptWhenTheTemplateChanges() {
    volumes.create(ALICE, "work");
    volumes.share(ALICE, "work", new Member(Grantee.group("physics"), Access.READ_WRITE));
    Principal s1 = new Principal(new UserName("sam"), Set.of("physics"));
    Principal s2 = new Principal(new UserName("sam-b"), Set.of("physics"));
    MountSpec m =
        new MountSpec(
            "/home/jovyan/work", "alice/work", false, "{username}/{course}-{session}", null);
    Mount a = mountsOf(s1, server(s1, "course", spec(m))).get(1);
    Mount b = mountsOf(s2, server(s2, "course", spec(m))).get(1);
    assertEquals("sam/physics-week1", a.subPath());
    assertEquals("sam_2db/physics-week1", b.subPath(), "the hyphen of a value is escaped");

    // The teacher changes the template; sam stays where his work is, a new student gets the new
    // one.
    MountSpec changed =
        new MountSpec("/home/jovyan/work", "alice/work", false, "students/{username}", null);
    Server samAgain =
        servers.update(
            servers
                .find(s1.name(), new ServerName("course"))
                .orElseThrow()
                .withSpec(spec(changed)));
    assertEquals(a.subPath(), mountsOf(s1, samAgain).get(1).subPath());
    Principal s3 = new Principal(new UserName("zoe"), Set.of("physics"));
    assertEquals(
        "students/zoe", mountsOf(s3, server(s3, "course", spec(changed))).get(1).subPath());
  }

  @Test
  void aVolumeInUseCannotBeDeletedAndAnUnusedOneGoesWithItsData() {
    volumes.create(ALICE, "data");
    Server s = server(ALICE, "lab", spec(MountSpec.of("/srv/data", "data")));
    VolumeException.InUse e =
        assertThrows(VolumeException.InUse.class, () -> volumes.delete(ALICE, "data"));
    assertTrue(e.getMessage().contains("alice/lab"), e.getMessage());

    servers.delete(s);
    String source = volumes.get(ALICE, "data").volume().source();
    volumes.delete(ALICE, "data");
    assertFalse(backend.exists(source));
    assertTrue(volumes.list(ALICE).isEmpty());
  }

  @Test
  void onlyTheOwnerChangesMembersAndAHomeIsNeverShared() {
    volumes.create(ALICE, "data");
    volumes.share(ALICE, "data", new Member(Grantee.user("bob"), Access.READ_WRITE));
    assertThrows(
        VolumeException.Forbidden.class,
        () ->
            volumes.share(BOB, "alice/data", new Member(Grantee.user("carol"), Access.READ_ONLY)));
    assertThrows(VolumeException.Forbidden.class, () -> volumes.delete(BOB, "alice/data"));
    assertThrows(VolumeException.Forbidden.class, () -> volumes.getOwned(BOB, "alice/data"));
    assertEquals("data", volumes.getOwned(ALICE, "data").volume().name());
    volumes.home(ALICE.name());
    assertThrows(
        VolumeException.Forbidden.class,
        () -> volumes.share(ALICE, "home", new Member(Grantee.user("bob"), Access.READ_ONLY)));
  }

  @Test
  void volumesAreCreatedWithinTheQuota() {
    volumes.create(ALICE, "a");
    volumes.create(ALICE, "b");
    volumes.create(ALICE, "c");
    VolumeException.QuotaExceeded e =
        assertThrows(VolumeException.QuotaExceeded.class, () -> volumes.create(ALICE, "d"));
    assertTrue(e.getMessage().contains("most allowed"), e.getMessage());
    volumes.create(BOB, "a");
    assertThrows(VolumeException.Exists.class, () -> volumes.create(BOB, "a"));
  }

  @Test
  void pastTheDataQuotaNewVolumesAreRefusedAndTheUsageSaysWhy() {
    Volumes small =
        new Volumes(
            store, backend, servers, new VolumeSettings(4, 100, "me", 1 << 20), Clock.systemUTC());
    Volume a = small.create(ALICE, "a");
    assertEquals(new Volumes.Usage(0, 100, 1, 4), small.usage(ALICE));
    backend.write(a.source(), "", Map.of("big.csv", new byte[150]));
    VolumeException.QuotaExceeded e =
        assertThrows(VolumeException.QuotaExceeded.class, () -> small.create(ALICE, "b"));
    assertTrue(e.getMessage().contains("quota"), e.getMessage());
    assertEquals(new Volumes.Usage(150, 100, 1, 4), small.usage(ALICE));
    assertEquals(1, small.list(ALICE).size(), "nothing was made");
    small.create(BOB, "b"); // another user's quota is their own
  }

  @Test
  void deletingAServerWithItsDataRemovesAHomeOnlyItUsed() {
    Server only = server(ALICE, "only", spec());
    mountsOf(ALICE, only);
    mounts.deleted(only, false);
    assertTrue(backend.exists("berth-me-home-alice"), "kept without the owner's say-so");

    Server other = server(ALICE, "other", spec());
    mounts.deleted(only, true);
    assertTrue(backend.exists("berth-me-home-alice"), "other still uses it");
    servers.delete(only);
    servers.delete(other);
    Server last = server(ALICE, "last", spec());
    mounts.deleted(last, true);
    assertFalse(backend.exists("berth-me-home-alice"));
  }

  @Test
  void aGitSeedIsPulledWithoutLosingTheUsersWorkAndSaysWhatItDidNotApply() {
    volumes.create(ALICE, "notes");
    MountSpec m =
        new MountSpec(
            "/home/jovyan/notes", "notes", false, "", MountSpec.Seed.git("https://h/r", "main"));
    repos.put("https://h/r@main", snapshot("c1", "a.py", "x = 1\nkeep\ny = 2\n", "b.txt", "b\n"));
    Server s = server(ALICE, "lab", spec(m));
    String source = volumes.get(ALICE, "notes").volume().source();

    mountsOf(ALICE, s);
    assertEquals("x = 1\nkeep\ny = 2\n", backend.text(source, "a.py"), "seeded");

    backend.write(
        source, "", Map.of("a.py", "x = 1\nkeep\ny = 20\n".getBytes(StandardCharsets.UTF_8)));
    backend.volumes.get(source).remove("b.txt");
    backend.write(source, "", Map.of("c.txt", "my own c\n".getBytes(StandardCharsets.UTF_8)));
    repos.put(
        "https://h/r@main",
        snapshot("c2", "a.py", "x = 10\nkeep\ny = 3\n", "b.txt", "b\n", "c.txt", "their c\n"));
    events.clear();

    mountsOf(ALICE, s);

    assertEquals("x = 10\nkeep\ny = 20\n", backend.text(source, "a.py"));
    assertEquals("b\n", backend.text(source, "b.txt"), "the deleted file came back");
    assertEquals("their c\n", backend.text(source, "c.txt"));
    assertEquals("my own c\n", backend.text(source, "c_1.txt"));
    LaunchEvent.Notice notice = (LaunchEvent.Notice) events.get(events.size() - 1);
    assertTrue(notice.message().contains("2 upstream change(s) not applied"), notice.message());
    assertEquals(2, notice.details().size(), notice.details().toString());
  }

  static SeedSource.Snapshot snapshot(String commit, String... pathsAndTexts) {
    Map<String, byte[]> files = new java.util.HashMap<>();
    for (int i = 0; i < pathsAndTexts.length; i += 2) {
      files.put(pathsAndTexts[i], pathsAndTexts[i + 1].getBytes(StandardCharsets.UTF_8));
    }
    return new SeedSource.Snapshot(commit, files);
  }
}
