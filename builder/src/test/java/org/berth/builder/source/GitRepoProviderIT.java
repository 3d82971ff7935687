package org.berth.builder.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.berth.builder.BuildException;
import org.berth.builder.GitServer;
import org.berth.builder.ResolvedSource;
import org.berth.builder.SourcePolicy;
import org.berth.builder.SourceRefusedException;
import org.berth.builder.SourceSpec;
import org.berth.builder.SourceTree;
import org.berth.builder.UnknownRefException;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand;
import org.eclipse.jgit.internal.storage.file.PackIndex;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ref resolution and fetch over a real git:// transport on 127.0.0.1. */
class GitRepoProviderIT {
  static GitServer server;
  static String url;
  static String first;
  static String second;

  @TempDir Path cache;
  GitRepoProvider provider;

  @BeforeEach
  void provider() {
    provider = new GitRepoProvider(policy());
  }

  SourcePolicy policy() {
    return SourcePolicy.defaults()
        .withAllowHosts(Set.of("127.0.0.1"))
        .withCache(cache, SourcePolicy.defaults().cacheMaxBytes());
  }

  @BeforeAll
  static void serve() throws Exception {
    server = new GitServer();
    url = server.fromFixture("binder-dir");
    first = server.git(url).getRepository().resolve("HEAD").name();
    PersonIdent who = new PersonIdent("Berth Test", "test@berth.localhost");
    server.git(url).tag().setName("v1").setAnnotated(true).setMessage("v1").setTagger(who).call();
    server.git(url).tag().setName("light").setAnnotated(false).call();
    second = server.commitFile(url, "index.ipynb", "{\"cells\": [1]}");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void resolvesBranchTagShaAndHeadToFullCommits() {
    assertEquals(second, provider.resolve(SourceSpec.of(url, "main")).commit());
    assertEquals(second, provider.resolve(SourceSpec.of(url, "HEAD")).commit());
    assertEquals(second, provider.resolve(SourceSpec.of(url, "")).commit());
    assertEquals(
        first, provider.resolve(SourceSpec.of(url, "v1")).commit(), "annotated tag peeled");
    assertEquals(first, provider.resolve(SourceSpec.of(url, "light")).commit());
    assertEquals(first, provider.resolve(SourceSpec.of(url, first)).commit());
    assertEquals(first, provider.resolve(SourceSpec.of(url, first.substring(0, 8))).commit());
    assertEquals(second, provider.resolve(SourceSpec.of(url, "refs/heads/main")).commit());
  }

  @Test
  void refusesUnknownRefNamingRepoAndRef() {
    UnknownRefException e =
        assertThrows(UnknownRefException.class, () -> provider.resolve(SourceSpec.of(url, "nope")));
    assertTrue(e.getMessage().contains("nope") && e.getMessage().contains(url), e.getMessage());
  }

  @Test
  void refusesShortShaNoRefPointsAt() {
    String unadvertised = server.commitFile(url, "x.txt", "x");
    // main now points at the new commit; the old tip 'second' is advertised by no ref
    UnknownRefException e =
        assertThrows(
            UnknownRefException.class,
            () -> provider.resolve(SourceSpec.of(url, second.substring(0, 10))));
    assertTrue(e.getMessage().contains("full 40-character SHA"), e.getMessage());
    assertEquals(second, provider.resolve(SourceSpec.of(url, second)).commit());
    assertEquals(unadvertised, provider.resolve(SourceSpec.of(url, "main")).commit());
  }

  @Test
  void refusesLoopbackServerWhenNotAllowed() {
    GitRepoProvider strict = new GitRepoProvider(SourcePolicy.defaults());
    assertThrows(SourceRefusedException.class, () -> strict.resolve(SourceSpec.of(url, "main")));
  }

  @Test
  void refusesARedirectToAnInternalAddressWithoutFollowingIt() throws Exception {
    // An allowed git host over HTTP that sends its clients on to another loopback address.
    java.util.concurrent.atomic.AtomicInteger followed =
        new java.util.concurrent.atomic.AtomicInteger();
    com.sun.net.httpserver.HttpServer target =
        com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.2", 0), 0);
    target.createContext(
        "/",
        exchange -> {
          followed.incrementAndGet();
          exchange.sendResponseHeaders(404, -1);
          exchange.close();
        });
    com.sun.net.httpserver.HttpServer redirector =
        com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    String elsewhere = "http://127.0.0.2:" + target.getAddress().getPort();
    redirector.createContext(
        "/",
        exchange -> {
          exchange
              .getResponseHeaders()
              .add("Location", elsewhere + exchange.getRequestURI().toString());
          exchange.sendResponseHeaders(302, -1);
          exchange.close();
        });
    target.start();
    redirector.start();
    try {
      String repo = "http://127.0.0.1:" + redirector.getAddress().getPort() + "/r.git";
      SourceRefusedException e =
          assertThrows(
              SourceRefusedException.class, () -> provider.resolve(SourceSpec.of(repo, "main")));
      assertTrue(e.getMessage().contains("127.0.0.2"), e.getMessage());
      assertEquals(0, followed.get(), "the internal address was never contacted");
    } finally {
      redirector.stop(0);
      target.stop(0);
    }
  }

  @Test
  void refusesRefLookingLikeAnOptionBeforeContactingServer() {
    assertThrows(
        SourceRefusedException.class,
        () -> provider.resolve(SourceSpec.of(url, "--upload-pack=x")));
  }

  @Test
  void fetchesExactlyTheResolvedCommitShallowly(@TempDir Path tmp) throws Exception {
    SourceTree tree =
        provider.fetch(provider.resolve(SourceSpec.of(url, second)), tmp.resolve("a"));
    assertEquals("{\"cells\": [1]}", Files.readString(tree.root().resolve("index.ipynb")));
    assertEquals(tree.root().resolve("binder"), tree.configDir());
    assertFalse(Files.exists(tree.root().resolve(".git")), "files only, no repository");
    try (Repository mirror = openMirror()) {
      assertTrue(mirror.getObjectDatabase().has(ObjectId.fromString(second)));
      assertFalse(
          mirror.getObjectDatabase().has(ObjectId.fromString(first)),
          "the parent commit was not fetched");
      assertEquals(
          Set.of(ObjectId.fromString(second)), mirror.getObjectDatabase().getShallowCommits());
    }
    ResolvedSource v1 = provider.resolve(SourceSpec.of(url, "v1"));
    assertEquals(
        "{\"cells\": [], \"metadata\": {}, \"nbformat\": 4, \"nbformat_minor\": 5}\n",
        Files.readString(provider.fetch(v1, tmp.resolve("b")).root().resolve("index.ipynb")));
  }

  @Test
  void fetchesCommitNoRefPointsAtByFullSha(@TempDir Path tmp) throws Exception {
    SourceTree tree = provider.fetch(provider.resolve(SourceSpec.of(url, first)), tmp.resolve("c"));
    assertTrue(Files.readString(tree.root().resolve("index.ipynb")).contains("nbformat"));
  }

  @Test
  void fetchesANewCommitThroughTheMirrorWithItsChanges(@TempDir Path tmp) throws Exception {
    String repo = server.fromFixture("binder-dir");
    provider.fetch(provider.resolve(SourceSpec.of(repo, "main")), tmp.resolve("a"));
    Git work = server.git(repo);
    Path files = work.getRepository().getWorkTree().toPath();
    work.rm().addFilepattern("apt.txt").call();
    Files.createSymbolicLink(files.resolve("notebook"), Path.of("index.ipynb"));
    server.commitFile(repo, "notes/new.md", "new\n");
    String changed = server.commitFile(repo, "index.ipynb", "{\"cells\": [2]}");

    SourceTree tree =
        provider.fetch(provider.resolve(SourceSpec.of(repo, "main")), tmp.resolve("b"));
    assertEquals(changed, tree.source().commit());
    Path root = tree.root();
    assertEquals("{\"cells\": [2]}", Files.readString(root.resolve("index.ipynb")));
    assertFalse(Files.exists(root.resolve("apt.txt")), "deleted file gone");
    assertEquals("new\n", Files.readString(root.resolve("notes/new.md")));
    assertTrue(Files.isSymbolicLink(root.resolve("notebook")));
    assertEquals(Path.of("index.ipynb"), Files.readSymbolicLink(root.resolve("notebook")));
    assertEquals("tree\n", Files.readString(root.resolve("binder/apt.txt")), "unchanged file kept");
    assertEquals(1, mirrors().size(), "one mirror per repository");
  }

  @Test
  void secondFetchDownloadsOnlyTheNewObjects(@TempDir Path tmp) throws Exception {
    String repo = server.fromFixture("binder-dir");
    provider.fetch(provider.resolve(SourceSpec.of(repo, "main")), tmp.resolve("a"));
    Map<Path, Integer> before = packs(onlyMirror());
    assertEquals(List.of(7), List.copyOf(before.values()), "commit, 2 trees, 4 files");

    server.commitFile(repo, "index.ipynb", "{\"cells\": [3]}");
    SourceTree tree =
        provider.fetch(provider.resolve(SourceSpec.of(repo, "main")), tmp.resolve("b"));
    assertEquals("{\"cells\": [3]}", Files.readString(tree.root().resolve("index.ipynb")));
    assertFetchedOnlyTheChange(repo, before.keySet(), "{\"cells\": [3]}");
  }

  @Test
  void keepsTheExecutableBitOfAScript(@TempDir Path tmp) throws Exception {
    Path root =
        provider.fetch(provider.resolve(SourceSpec.of(url, first)), tmp.resolve("c")).root();
    assertTrue(Files.isExecutable(root.resolve("verify")), "verify is 100755");
    assertFalse(Files.isExecutable(root.resolve("index.ipynb")));
  }

  @Test
  void refusesRepoOverTheSizeLimitAndRemovesTheTempDir(@TempDir Path tmp) throws Exception {
    GitRepoProvider small = new GitRepoProvider(policy().withMaxRepoBytes(200));
    Path into = tmp.resolve("checkout");
    BuildException e =
        assertThrows(
            BuildException.class,
            () -> small.fetch(small.resolve(SourceSpec.of(url, "main")), into));
    assertTrue(e.getMessage().contains("larger than the limit"), e.getMessage());
    assertTrue(e.getMessage().contains("berth.sources.max-repo-bytes"), e.getMessage());
    assertFalse(Files.exists(into), "temp dir should be removed");
    assertEquals(List.of(), mirrors(), "no mirror left behind");
  }

  @Test
  void refusesRepoOverTheSizeLimitThroughAnExistingMirror(@TempDir Path tmp) throws Exception {
    String repo = server.fromFixture("binder-dir");
    provider.fetch(provider.resolve(SourceSpec.of(repo, "main")), tmp.resolve("a"));
    String next = server.commitFile(repo, "index.ipynb", "{\"cells\": [4]}");

    GitRepoProvider small = new GitRepoProvider(policy().withMaxRepoBytes(200));
    Path into = tmp.resolve("b");
    BuildException e =
        assertThrows(
            BuildException.class,
            () -> small.fetch(small.resolve(SourceSpec.of(repo, next)), into));
    assertTrue(e.getMessage().contains("larger than the limit of 200 bytes"), e.getMessage());
    assertFalse(Files.exists(into), "temp dir should be removed");

    SourceTree tree = provider.fetch(provider.resolve(SourceSpec.of(repo, next)), tmp.resolve("c"));
    assertEquals("{\"cells\": [4]}", Files.readString(tree.root().resolve("index.ipynb")));
  }

  @Test
  void fetchesTheRightCommitAfterHistoryWasRewritten(@TempDir Path tmp) throws Exception {
    String repo = server.fromFixture("binder-dir");
    String base = server.git(repo).getRepository().resolve("HEAD").name();
    server.commitFile(repo, "index.ipynb", "{\"cells\": [\"old\"]}");
    provider.fetch(provider.resolve(SourceSpec.of(repo, "main")), tmp.resolve("a"));

    server.git(repo).reset().setMode(ResetCommand.ResetType.HARD).setRef(base).call();
    String rewritten = server.commitFile(repo, "index.ipynb", "{\"cells\": [\"new\"]}");
    ResolvedSource main = provider.resolve(SourceSpec.of(repo, "main"));
    assertEquals(rewritten, main.commit());
    SourceTree tree = provider.fetch(main, tmp.resolve("b"));
    assertEquals("{\"cells\": [\"new\"]}", Files.readString(tree.root().resolve("index.ipynb")));
  }

  @Test
  void recoversFromADamagedMirror(@TempDir Path tmp) throws Exception {
    String repo = server.fromFixture("binder-dir");
    provider.fetch(provider.resolve(SourceSpec.of(repo, "main")), tmp.resolve("a"));
    clearPacks(onlyMirror());

    String next = server.commitFile(repo, "index.ipynb", "{\"cells\": [5]}");
    SourceTree tree = provider.fetch(provider.resolve(SourceSpec.of(repo, next)), tmp.resolve("b"));
    assertEquals("{\"cells\": [5]}", Files.readString(tree.root().resolve("index.ipynb")));
    assertEquals("tree\n", Files.readString(tree.root().resolve("binder/apt.txt")));

    // the mirror still names the commit, but its objects are gone
    clearPacks(onlyMirror());
    SourceTree again =
        provider.fetch(provider.resolve(SourceSpec.of(repo, next)), tmp.resolve("c"));
    assertEquals("{\"cells\": [5]}", Files.readString(again.root().resolve("index.ipynb")));
  }

  @Test
  void fetchesDifferentCommitsOfOneRepoConcurrently(@TempDir Path tmp) throws Exception {
    String repo = server.fromFixture("binder-dir");
    List<String> commits = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      commits.add(server.commitFile(repo, "index.ipynb", "{\"cells\": [" + i + "]}"));
    }
    ExecutorService pool = Executors.newFixedThreadPool(commits.size());
    try {
      List<Future<SourceTree>> trees = new ArrayList<>();
      for (String c : commits) {
        trees.add(
            pool.submit(
                () -> provider.fetch(provider.resolve(SourceSpec.of(repo, c)), tmp.resolve(c))));
      }
      for (int i = 0; i < commits.size(); i++) {
        SourceTree tree = trees.get(i).get(60, TimeUnit.SECONDS);
        assertEquals(commits.get(i), tree.source().commit());
        assertEquals(
            "{\"cells\": [" + i + "]}", Files.readString(tree.root().resolve("index.ipynb")));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void evictsTheLeastRecentlyUsedMirrorToStayUnderTheCacheLimit(@TempDir Path tmp)
      throws Exception {
    String older = server.fromFixture("binder-dir");
    String newer = server.fromFixture("requirements");
    provider.fetch(provider.resolve(SourceSpec.of(older, "main")), tmp.resolve("a"));
    long one = GitRepoProvider.sizeOf(cache);
    Path olderMirror = onlyMirror();

    long limit = one + one / 2;
    GitRepoProvider bounded = new GitRepoProvider(policy().withCache(cache, limit));
    bounded.fetch(bounded.resolve(SourceSpec.of(newer, "main")), tmp.resolve("b"));
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (Files.exists(olderMirror) && System.nanoTime() < until) {
      Thread.sleep(20);
    }
    assertFalse(Files.exists(olderMirror), "least recently used mirror evicted");
    assertEquals(1, mirrors().size(), "the newer mirror is kept");
    assertTrue(GitRepoProvider.sizeOf(cache) <= limit, GitRepoProvider.sizeOf(cache) + " bytes");

    SourceTree tree =
        bounded.fetch(bounded.resolve(SourceSpec.of(older, "main")), tmp.resolve("c"));
    assertTrue(Files.readString(tree.root().resolve("index.ipynb")).contains("nbformat"));
  }

  @Test
  void repacksAMirrorThatGatheredManyPacks(@TempDir Path tmp) throws Exception {
    String repo = server.fromFixture("binder-dir");
    for (int i = 0; i <= GitMirrors.MAX_PACKS; i++) {
      String c = server.commitFile(repo, "index.ipynb", "{\"cells\": [" + i + "]}");
      provider.fetch(provider.resolve(SourceSpec.of(repo, c)), tmp.resolve("c" + i));
    }
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (packs(onlyMirror()).size() >= 3 && System.nanoTime() < until) {
      Thread.sleep(20);
    }
    Set<Path> repacked = packs(onlyMirror()).keySet();
    assertTrue(repacked.size() < 3, repacked + " packs after repacking");

    String next = server.commitFile(repo, "index.ipynb", "{\"cells\": [\"after\"]}");
    SourceTree tree = provider.fetch(provider.resolve(SourceSpec.of(repo, next)), tmp.resolve("n"));
    assertEquals("{\"cells\": [\"after\"]}", Files.readString(tree.root().resolve("index.ipynb")));
    assertFetchedOnlyTheChange(repo, repacked, "{\"cells\": [\"after\"]}");
  }

  /**
   * The fetch since {@code before} added one pack that holds the changed file but none of the
   * unchanged ones (it may hold the old root tree: JGit completes a thin pack with the bases of its
   * deltas).
   */
  void assertFetchedOnlyTheChange(String repo, Set<Path> before, String changed) throws Exception {
    Map<Path, Integer> now = packs(onlyMirror());
    now.keySet().removeAll(before);
    assertEquals(1, now.size(), "one new pack: " + now);
    Path pack = now.keySet().iterator().next();
    Set<ObjectId> objects = new HashSet<>();
    PackIndex index = PackIndex.open(new File(pack.toString().replace(".pack", ".idx")));
    index.forEach(entry -> objects.add(entry.toObjectId()));
    assertTrue(objects.contains(blobId(changed.getBytes(StandardCharsets.UTF_8))), "changed file");
    Path files = server.git(repo).getRepository().getWorkTree().toPath();
    for (String unchanged : List.of("apt.txt", "binder/apt.txt", "verify")) {
      assertFalse(
          objects.contains(blobId(Files.readAllBytes(files.resolve(unchanged)))),
          unchanged + " was downloaded again");
    }
  }

  static ObjectId blobId(byte[] content) {
    return new ObjectInserter.Formatter().idFor(Constants.OBJ_BLOB, content);
  }

  List<Path> mirrors() throws Exception {
    if (!Files.isDirectory(cache)) {
      return List.of();
    }
    try (Stream<Path> dirs = Files.list(cache)) {
      return dirs.filter(Files::isDirectory).toList();
    }
  }

  Path onlyMirror() throws Exception {
    List<Path> all = mirrors();
    assertEquals(1, all.size(), "mirrors: " + all);
    return all.get(0);
  }

  Repository openMirror() throws Exception {
    return new FileRepositoryBuilder().setGitDir(onlyMirror().toFile()).setMustExist(true).build();
  }

  static void clearPacks(Path mirror) throws Exception {
    try (Stream<Path> files = Files.list(mirror.resolve("objects/pack"))) {
      for (Path p : files.toList()) {
        Files.delete(p);
      }
    }
  }

  /** The mirror's packs and how many objects each holds (from the pack header). */
  static Map<Path, Integer> packs(Path mirror) throws Exception {
    Map<Path, Integer> counts = new HashMap<>();
    try (Stream<Path> files = Files.list(mirror.resolve("objects/pack"))) {
      for (Path p : files.filter(f -> f.toString().endsWith(".pack")).toList()) {
        byte[] header = new byte[12];
        try (InputStream in = Files.newInputStream(p)) {
          assertEquals(12, in.readNBytes(header, 0, 12));
        } catch (NoSuchFileException e) {
          continue; // a repack running in the background replaced it
        }
        counts.put(p, ByteBuffer.wrap(header, 8, 4).getInt());
      }
    }
    return counts;
  }

  @Test
  void failsClearlyWhenTheGitServerIsDown() {
    BuildException e =
        assertThrows(
            BuildException.class,
            () -> provider.resolve(SourceSpec.of("git://127.0.0.1:1/none", "main")));
    assertEquals(BuildException.Failure.GIT, e.failure());
    assertTrue(e.getMessage().contains("127.0.0.1:1"), e.getMessage());
  }

  @Test
  void connectsOverGitToTheAddressTheSourceRulesChecked(@TempDir Path tmp) throws Exception {
    String repo = server.fromFixture("binder-dir");
    String named = repo.replace("127.0.0.1", "git.berth.localhost");
    GitRepoProvider viaRules =
        new GitRepoProvider(
            policy(),
            new SourceValidator(
                policy(),
                host -> {
                  if (!host.equals("git.berth.localhost")) {
                    throw new java.net.UnknownHostException(host);
                  }
                  return new InetAddress[] {InetAddress.getLoopbackAddress()};
                }));
    SourceTree tree =
        viaRules.fetch(viaRules.resolve(SourceSpec.of(named, "main")), tmp.resolve("a"));
    assertTrue(Files.readString(tree.root().resolve("index.ipynb")).contains("nbformat"));
  }

  @Test
  void refusesAGitServerWhoseNameTurnsInternalAfterTheCheck() throws Exception {
    String named = url.replace("127.0.0.1", "git.berth.localhost");
    AtomicInteger lookups = new AtomicInteger();
    GitRepoProvider rebinding =
        new GitRepoProvider(
            SourcePolicy.defaults(),
            new SourceValidator(
                SourcePolicy.defaults(),
                host ->
                    new InetAddress[] {
                      InetAddress.getByAddress(
                          lookups.incrementAndGet() == 1
                              ? new byte[] {93, (byte) 184, (byte) 216, 34}
                              : new byte[] {10, 1, 2, 3})
                    }));
    SourceRefusedException e =
        assertThrows(
            SourceRefusedException.class, () -> rebinding.resolve(SourceSpec.of(named, "main")));
    assertTrue(e.getMessage().contains("it points to 10.1.2.3, an address inside"), e.getMessage());
    assertEquals(2, lookups.get(), "checked once up front, once for the connection itself");
  }
}
