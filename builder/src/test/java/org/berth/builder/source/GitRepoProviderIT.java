package org.berth.builder.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.berth.builder.BuildException;
import org.berth.builder.GitServer;
import org.berth.builder.ResolvedSource;
import org.berth.builder.SourcePolicy;
import org.berth.builder.SourceRefusedException;
import org.berth.builder.SourceSpec;
import org.berth.builder.SourceTree;
import org.berth.builder.UnknownRefException;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ref resolution and fetch over a real git:// transport on 127.0.0.1. */
class GitRepoProviderIT {
  static GitServer server;
  static String url;
  static String first;
  static String second;

  final GitRepoProvider provider =
      new GitRepoProvider(SourcePolicy.defaults().withAllowHosts(Set.of("127.0.0.1")));

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
    ResolvedSource at = provider.resolve(SourceSpec.of(url, "v1"));
    SourceTree tree = provider.fetch(at, tmp.resolve("checkout"));
    assertEquals(
        "{\"cells\": [], \"metadata\": {}, \"nbformat\": 4, \"nbformat_minor\": 5}\n",
        Files.readString(tree.root().resolve("index.ipynb")));
    assertEquals(tree.root().resolve("binder"), tree.configDir());
    assertTrue(Files.exists(tree.root().resolve(".git/shallow")), "fetch should be shallow");
  }

  @Test
  void fetchesCommitNoRefPointsAtByFullSha(@TempDir Path tmp) throws Exception {
    SourceTree tree = provider.fetch(provider.resolve(SourceSpec.of(url, first)), tmp.resolve("c"));
    assertTrue(Files.readString(tree.root().resolve("index.ipynb")).contains("nbformat"));
  }

  @Test
  void refusesRepoOverTheSizeLimitAndRemovesTheTempDir(@TempDir Path tmp) {
    GitRepoProvider small =
        new GitRepoProvider(
            SourcePolicy.defaults().withAllowHosts(Set.of("127.0.0.1")).withMaxRepoBytes(200));
    Path into = tmp.resolve("checkout");
    BuildException e =
        assertThrows(
            BuildException.class,
            () -> small.fetch(small.resolve(SourceSpec.of(url, "main")), into));
    assertTrue(e.getMessage().contains("larger than the limit"), e.getMessage());
    assertFalse(Files.exists(into), "temp dir should be removed");
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
}
