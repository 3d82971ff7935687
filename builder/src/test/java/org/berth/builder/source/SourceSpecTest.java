package org.berth.builder.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Set;
import org.berth.builder.SourcePolicy;
import org.berth.builder.SourceRefusedException;
import org.berth.builder.SourceSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SourceSpecTest {
  /** Every name resolves to a public address unless it is an IP literal. */
  private final SourceValidator.HostResolver publicDns =
      host ->
          host.matches("[0-9.]+|.*:.*|localhost")
              ? InetAddress.getAllByName(host)
              : new InetAddress[] {
                InetAddress.getByAddress(host, new byte[] {93, (byte) 184, (byte) 215, 14})
              };

  private final SourceValidator validator = new SourceValidator(SourcePolicy.defaults(), publicDns);

  @Test
  void parsesGitHubSpec() {
    SourceSpec spec = SourceSpec.parse("gh/binder-examples/requirements/main", null);
    assertEquals(
        new SourceSpec("gh", "https://github.com/binder-examples/requirements", "main"), spec);
  }

  @Test
  void parsesGitLabSpecWithEscapedNamespace() {
    SourceSpec spec = SourceSpec.parseBinder("gl", "group%2Fsub%2Fproject/v1.0");
    assertEquals("https://gitlab.com/group/sub/project", spec.repoUrl());
    assertEquals("v1.0", spec.ref());
  }

  @Test
  void parsesGitSpecWithEscapedUrl() {
    SourceSpec spec = SourceSpec.parse("git/https%3A%2F%2Fexample.org%2Fa%2Fb.git/abc1234", null);
    assertEquals(new SourceSpec("git", "https://example.org/a/b.git", "abc1234"), spec);
  }

  @Test
  void plainUrlWithBlankRefMeansHead() {
    assertEquals("HEAD", SourceSpec.parse("https://example.org/a/b", " ").ref());
    assertEquals(
        "git@example.org:a/b.git", SourceSpec.parse("git@example.org:a/b.git", "x").repoUrl());
  }

  @Test
  void refusesSpecWithoutRef() {
    assertThrows(SourceRefusedException.class, () -> SourceSpec.parse("gh/owner/repo", null));
    assertThrows(SourceRefusedException.class, () -> SourceSpec.parseBinder("gh", "a/b/c/d"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://example.org/a/b",
        "http://example.org/a/b.git",
        "git://example.org/a/b",
        "ssh://git@example.org/a/b",
        "git@example.org:a/b.git"
      })
  void acceptsAllowedSchemes(String url) {
    assertEquals("example.org", validator.validate(SourceSpec.of(url, "main")));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "file:///etc",
        "file://localhost/repo",
        "ext::sh -c touch% /tmp/pwned",
        "ext::ssh -o ProxyCommand=x",
        "ftp://example.org/a",
        "ftps://example.org/a",
        "fd::17",
        "/srv/git/repo",
        "../repo",
        "--upload-pack=touch /tmp/x",
        "-uhttps://example.org",
        "https:///nohost",
        "https://user:secret@example.org/a"
      })
  void refusesDisallowedUrls(String url) {
    SourceRefusedException e =
        assertThrows(
            SourceRefusedException.class, () -> validator.validate(SourceSpec.of(url, "main")));
    assertTrue(!e.getMessage().contains("secret"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"-u", "--upload-pack=evil", "-x", "a b", "a..b", "a;b", "$(x)"})
  void refusesRefsThatLookLikeOptionsOrHaveOddCharacters(String ref) {
    assertThrows(
        SourceRefusedException.class,
        () -> validator.validate(SourceSpec.of("https://example.org/a", ref)));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://127.0.0.1/a",
        "git://127.1.2.3/a",
        "https://localhost/a",
        "https://169.254.169.254/latest/meta-data",
        "https://10.0.0.1/a",
        "https://10.255.1.1/a",
        "https://172.16.0.1/a",
        "https://172.31.255.1/a",
        "https://192.168.1.1/a",
        "https://[::1]/a",
        "https://[fe80::1]/a",
        "https://[fd00::1]/a",
        "https://[::ffff:10.0.0.1]/a",
        "https://0.0.0.0/a",
        "git@127.0.0.1:a/b",
        "https://100.64.0.1/a"
      })
  void refusesInternalHostsByDefault(String url) {
    SourceRefusedException e =
        assertThrows(
            SourceRefusedException.class, () -> validator.validate(SourceSpec.of(url, "main")));
    assertTrue(e.getMessage().contains("inside this network"), e.getMessage());
  }

  @Test
  void refusesNamesThatResolveToAnInternalAddressAmongOthers() {
    SourceValidator sneaky =
        new SourceValidator(
            SourcePolicy.defaults(),
            host ->
                new InetAddress[] {
                  InetAddress.getByAddress(host, new byte[] {93, (byte) 184, (byte) 215, 14}),
                  InetAddress.getByAddress(
                      host, new byte[] {(byte) 169, (byte) 254, (byte) 169, (byte) 254})
                });
    assertThrows(
        SourceRefusedException.class,
        () -> sneaky.validate(SourceSpec.of("https://rebind.example/a", "main")));
  }

  @Test
  void allowListLetsALoopbackGitServerThrough() {
    SourceValidator allowing =
        new SourceValidator(SourcePolicy.defaults().withAllowHosts(Set.of("127.0.0.1")), publicDns);
    assertEquals("127.0.0.1", allowing.validate(SourceSpec.of("git://127.0.0.1:9418/a", "main")));
    assertThrows(
        SourceRefusedException.class,
        () -> allowing.validate(SourceSpec.of("git://10.0.0.1/a", "main")));
  }

  @Test
  void denyListWins() {
    SourcePolicy policy =
        new SourcePolicy(
            Set.of(),
            Set.of("example.org"),
            1,
            java.time.Duration.ofSeconds(1),
            false,
            SourcePolicy.defaultCacheDir(),
            1);
    assertThrows(
        SourceRefusedException.class,
        () ->
            new SourceValidator(policy, publicDns)
                .validate(SourceSpec.of("https://example.org/a", "main")));
  }

  @Test
  void unresolvableHostIsANetworkFailureNotARefusal() throws UnknownHostException {
    SourceValidator noDns =
        new SourceValidator(
            SourcePolicy.defaults(),
            host -> {
              throw new UnknownHostException(host);
            });
    var e =
        assertThrows(
            org.berth.builder.BuildException.class,
            () -> noDns.validate(SourceSpec.of("https://nowhere.example/a", "main")));
    assertEquals(org.berth.builder.BuildException.Failure.NETWORK, e.failure());
  }
}
