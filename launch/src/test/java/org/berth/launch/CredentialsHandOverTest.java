package org.berth.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The credentials hand-over around the servers domain, on fakes of its seams. */
class CredentialsHandOverTest {

  static final String IMAGE = "127.0.0.1:5000/berth/jupyter-base:1";
  static final Principal ALICE = Principal.of("alice");
  static final Duration LIFE = Duration.ofSeconds(30);

  final TestClock clock = new TestClock();
  final InMemoryServerStore store = new InMemoryServerStore();
  final FakeLauncher backend = new FakeLauncher("me");
  final Grants grants = new Grants();
  final Tokens tokens = new Tokens();
  final Files files = new Files();
  final ExecutorService background = Executors.newCachedThreadPool();
  CredentialsHandOver handOver =
      new CredentialsHandOver(backend::listManaged, tokens, files, grants, store, clock);
  final CredentialsLauncher launcher = new CredentialsLauncher(backend, handOver);
  final Servers servers = servers(launcher);

  @AfterEach
  void stop() {
    background.shutdownNow();
  }

  Servers servers(Launcher l) {
    LaunchLimits limits =
        new LaunchLimits(
            4L << 30,
            2,
            256,
            3,
            Duration.ofHours(24),
            Duration.ofDays(7),
            Duration.ofSeconds(60),
            new Resources(1L << 30, 1, Duration.ofHours(1), Duration.ofDays(7)));
    return new Servers(
        store,
        l,
        (repo, ref, requester) -> {
          throw new UnsupportedOperationException();
        },
        new ServersTest.RecordingRoutes(),
        List.of(),
        new ServerHomes(l),
        new ServersSettings(limits, IMAGE, "127.0.0.1:5000/", Duration.ofMinutes(5), 2, 0, "me"),
        background,
        clock,
        List.of());
  }

  Server launch(String name) {
    return servers.launch(ALICE, name, ServerSpec.Request.defaults(), false).server();
  }

  List<Server> running() {
    return store.listByState(ServerState.RUNNING);
  }

  @Test
  void aGrantedServerStartsWithTheTokenFileNamedAndGetsItsOwnersToken() {
    grants.grant(ALICE.name(), new ServerName("lab"));

    Server server = launch("lab");

    LaunchRequest started = backend.starts.get(0);
    assertEquals(CredentialsHandOver.FILE, started.env().get(CredentialsHandOver.ENV));
    Mount memory =
        started.mounts().stream()
            .filter(m -> m.target().equals(CredentialsHandOver.DIRECTORY))
            .findFirst()
            .orElseThrow();
    assertEquals("memory-" + server.serverId(), memory.source());
    assertEquals("token-1", files.content(server.serverId()));
    assertEquals(List.of("alice"), tokens.askedFor, "only the owner's token is ever asked for");
  }

  @Test
  void aServerWithoutAGrantGetsNeitherTokenNorVariable() {
    Server server = launch("lab");

    LaunchRequest started = backend.starts.get(0);
    assertFalse(started.env().containsKey(CredentialsHandOver.ENV));
    assertTrue(started.mounts().stream().noneMatch(m -> m.target().startsWith("/run")));
    assertNull(files.content(server.serverId()));
    handOver.refresh(running());
    assertNull(files.content(server.serverId()));
    assertTrue(tokens.askedFor.isEmpty());
  }

  @Test
  void renewsTheTokenWhenAThirdOfItsLifeIsLeftBeforeItExpires() {
    grants.grant(ALICE.name(), new ServerName("lab"));
    Server server = launch("lab");
    Instant firstExpires = clock.instant().plus(LIFE);

    clock.advance(Duration.ofSeconds(15));
    handOver.refresh(running());
    assertEquals("token-1", files.content(server.serverId()), "half its life left: kept");

    clock.advance(Duration.ofSeconds(6));
    handOver.refresh(running());
    assertEquals("token-2", files.content(server.serverId()));
    assertTrue(clock.instant().isBefore(firstExpires), "renewed before the old one expired");
  }

  @Test
  void takesTheTokenOutWhenTheOwnerSignsOutAndGivesANewOneAfterTheNextSignIn() {
    grants.grant(ALICE.name(), new ServerName("lab"));
    Server server = launch("lab");

    tokens.signedIn = false;
    handOver.revoke(ALICE.name());
    assertNull(files.content(server.serverId()));
    assertFalse(handOver.holdsToken(server.serverId()));
    handOver.refresh(running());
    assertNull(files.content(server.serverId()), "no token while signed out");

    tokens.signIn();
    handOver.refresh(running());
    assertEquals("token-2", files.content(server.serverId()));
  }

  @Test
  void takesAnExpiringTokenOutWhenItCannotBeRenewed() {
    grants.grant(ALICE.name(), new ServerName("lab"));
    Server server = launch("lab");

    tokens.signedIn = false; // the provider's session ended
    clock.advance(Duration.ofSeconds(25));
    handOver.refresh(running());

    assertNull(files.content(server.serverId()));
  }

  @Test
  void takesTheTokenOutWhenTheGrantIsTakenBack() {
    grants.grant(ALICE.name(), new ServerName("lab"));
    Server server = launch("lab");

    grants.revoke(ALICE.name(), new ServerName("lab"));
    handOver.refresh(running());

    assertNull(files.content(server.serverId()));
    clock.advance(Duration.ofSeconds(25));
    handOver.refresh(running());
    assertNull(files.content(server.serverId()));
  }

  @Test
  void aStoppedServerIsNotWrittenAgain() {
    grants.grant(ALICE.name(), new ServerName("lab"));
    Server server = launch("lab");

    servers.stop(ALICE, "lab");
    files.clear(server.serverId()); // the memory volume went with the stop
    clock.advance(Duration.ofSeconds(25));
    handOver.refresh(running());

    assertNull(files.content(server.serverId()));
  }

  @Test
  void deletingTheServerTakesItsGrantAndVolumeAlong() {
    grants.grant(ALICE.name(), new ServerName("lab"));
    Server server = launch("lab");

    servers.delete(ALICE, "lab", false);

    assertFalse(grants.granted(ALICE.name(), new ServerName("lab")));
    assertTrue(files.discarded.contains(server.serverId()));
    launch("lab");
    assertFalse(
        backend.starts.get(1).env().containsKey(CredentialsHandOver.ENV),
        "a new server of the same name does not inherit the grant");
  }

  @Test
  void grantingMakesTheContainerAnewAndSoDoesTakingItBack() {
    Server plain = launch("lab");
    servers.stop(ALICE, "lab");
    grants.grant(ALICE.name(), new ServerName("lab"));
    servers.start(ALICE, "lab");

    String plainHash = backend.starts.get(0).specHash();
    String withHash = backend.starts.get(1).specHash();
    assertEquals(plain.spec().hash(), plainHash);
    assertNotEquals(plainHash, withHash);
    assertEquals(CredentialsHandOver.withCredentials(plainHash), withHash);
  }

  @Test
  void picksUpAServerStartedWithCredentialsBeforeBerthRestarted() {
    grants.grant(ALICE.name(), new ServerName("lab"));
    Server server = launch("lab");
    files.clear(server.serverId());

    CredentialsHandOver afterRestart =
        new CredentialsHandOver(backend::listManaged, tokens, files, grants, store, clock);
    afterRestart.refresh(running());

    assertEquals("token-1", files.content(server.serverId()), "the owner's current token");
  }

  @Test
  void neverWritesIntoAServerStartedWithoutTheTokenVolume() {
    Server server = launch("lab");
    grants.grant(ALICE.name(), new ServerName("lab")); // granted while it runs without the volume

    handOver.refresh(running());

    assertNull(files.content(server.serverId()));
  }

  @Test
  void aVisitorsServerNeverGetsATokenEvenWhenAGrantNamesIt() {
    grants.grant(new UserName("visitor"), new ServerName("visit-abc"));
    LaunchRequest visit =
        new LaunchRequest(
            "visitor",
            new ServerName("visit-abc"),
            "v1234",
            IMAGE,
            "t",
            "/visit/v1234/",
            new Resources(256L << 20, 1, Duration.ofMinutes(10), Duration.ofHours(1)),
            "visit",
            List.of(),
            Map.of());

    launcher.start(visit, e -> {});

    LaunchRequest started = backend.starts.get(0);
    assertFalse(started.env().containsKey(CredentialsHandOver.ENV));
    assertTrue(tokens.askedFor.isEmpty(), "no token was even asked for");
  }

  @Test
  void theTokensValueIsNeverInItsText() {
    AccessToken token = new AccessToken("secret-value", Instant.EPOCH);
    assertFalse(token.toString().contains("secret-value"));
  }

  /** Grants in memory. */
  static final class Grants implements CredentialGrants {
    final Set<String> granted = ConcurrentHashMap.newKeySet();

    @Override
    public boolean granted(UserName owner, ServerName name) {
      return granted.contains(owner + "/" + name.value());
    }

    @Override
    public void grant(UserName owner, ServerName name) {
      granted.add(owner + "/" + name.value());
    }

    @Override
    public void revoke(UserName owner, ServerName name) {
      granted.remove(owner + "/" + name.value());
    }
  }

  /** An identity provider that issues numbered tokens living 30 s, while the owner is signed in. */
  final class Tokens implements TokenSource {
    final List<String> askedFor = new ArrayList<>();
    final AtomicInteger issued = new AtomicInteger();
    volatile boolean signedIn = true;
    AccessToken current;

    /** A new sign-in: new tokens. */
    synchronized void signIn() {
      signedIn = true;
      current = null;
    }

    @Override
    public synchronized Optional<AccessToken> tokenFor(UserName owner, Duration minValidity) {
      askedFor.add(owner.value());
      if (!signedIn) {
        return Optional.empty();
      }
      Instant now = clock.instant();
      if (current == null || current.expiresAt().minus(minValidity).isBefore(now)) {
        current = new AccessToken("token-" + issued.incrementAndGet(), now.plus(LIFE));
      }
      return Optional.of(current);
    }
  }

  /** Server files in memory, by server id (the fake launcher's container ids map to servers). */
  final class Files implements ServerFiles {
    final Map<String, String> byContainer = new ConcurrentHashMap<>();
    final Set<String> discarded = ConcurrentHashMap.newKeySet();

    @Override
    public Mount memoryVolume(String serverId, String target) {
      return new Mount(target, "memory-" + serverId, "", false);
    }

    @Override
    public void write(LaunchHandle handle, String path, byte[] content) {
      assertEquals(CredentialsHandOver.FILE, path);
      byContainer.put(handle.get("container"), new String(content, StandardCharsets.UTF_8));
    }

    @Override
    public void delete(LaunchHandle handle, String path) {
      byContainer.remove(handle.get("container"));
    }

    @Override
    public void discard(String serverId) {
      discarded.add(serverId);
    }

    String content(String serverId) {
      FakeLauncher.Container c = backend.container(serverId);
      return c == null ? null : byContainer.get(c.id);
    }

    void clear(String serverId) {
      byContainer.remove(backend.container(serverId).id);
    }
  }
}
