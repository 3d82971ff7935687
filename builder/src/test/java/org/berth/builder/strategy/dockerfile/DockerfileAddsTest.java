package org.berth.builder.strategy.dockerfile;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.Map;
import java.util.Set;
import org.berth.builder.BuildException;
import org.berth.builder.SourcePolicy;
import org.berth.builder.source.SourceValidator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A Dockerfile's remote {@code ADD}s are held to the repository host rules before any build. */
class DockerfileAddsTest {
  static final Map<String, String> ARGS = Map.of("NB_USER", "jovyan", "BASE_IMAGE", "base:1");

  /** Names resolve to a public address, except {@code *.corp.example} (10.1.2.3). */
  static final SourceValidator.HostResolver DNS =
      host ->
          host.matches("[0-9.]+|.*:.*|localhost")
              ? InetAddress.getAllByName(host)
              : new InetAddress[] {
                InetAddress.getByAddress(
                    host,
                    host.endsWith(".corp.example")
                        ? new byte[] {10, 1, 2, 3}
                        : new byte[] {93, (byte) 184, (byte) 216, 34})
              };

  static final SourceValidator RULES = new SourceValidator(SourcePolicy.defaults(), DNS, Set::of);

  static BuildException refused(String dockerfile) {
    BuildException e =
        assertThrows(
            BuildException.class, () -> DockerfileAdds.check(dockerfile, ARGS, RULES), dockerfile);
    assertEquals(BuildException.Failure.REFUSED, e.failure(), e.getMessage());
    return e;
  }

  @Test
  void refusesADownloadFromLoopbackNamingTheUrlAndTheLine() {
    BuildException e =
        refused(
            "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\n# a comment\nRUN apt-get update && \\\n"
                + "    apt-get install -y curl\nADD http://127.0.0.1:8080/secret /tmp/secret\n");
    assertEquals(
        "The Dockerfile cannot download http://127.0.0.1:8080/secret (line 6): 127.0.0.1 is an"
            + " address inside this network, which Berth does not let builds reach for security."
            + " Download it from a public host, or ask the admin to allow it.",
        e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "FROM b\nADD --chown=1000:100 http://10.0.0.1/x /y\n",
        "FROM b\nADD [\"https://169.254.169.254/latest/meta-data/\", \"/m\"]\n",
        "FROM b\nadd HTTP://localhost/x /x\n",
        "FROM b\nADD https://[::1]:9/x /x\n",
        "FROM b\nADD https://git.corp.example/x /x\n",
        "FROM b\nADD ok.txt http://192.168.1.1/x /dir/\n",
        "FROM b\nONBUILD ADD http://127.0.0.1/x /x\n",
        "FROM b\nADD \"http://127.0.0.1/x\" /x\n",
        "FROM b\nADD \\\n  http://127.0.0.1/x \\\n  /x\n",
        "# escape=`\nFROM b\nADD `\n  http://127.0.0.1/x `\n  /x\n",
        "FROM b\nARG H=127.0.0.1\nADD http://${H}:8080/x /x\n",
        "ARG H=example.org\nFROM b\nARG H=127.0.0.1\nADD http://$H/x /x\n",
        "FROM b\nENV H 192.168.0.9\nADD http://$H/x /x\n",
        "FROM b\nENV A=x H=10.9.9.9\nADD http://${H}/x /x\n",
        "FROM b\nADD http://${UNSET:-127.0.0.1}/x /x\n",
        "FROM b\nARG SRC=http://127.0.0.1/x\nADD $SRC /x\n",
        "FROM b\nARG P=127.0.0\nENV H=${P}.1\nADD http://$H/x /x\n",
        "FROM b\nADD http\\://127.0.0.1/x /x\n",
        "FROM b\nADD 'http://127.0.0.1/x' /x\n"
      })
  void refusesDownloadsThatMayReachAnInternalAddressHoweverWritten(String dockerfile) {
    BuildException e = refused(dockerfile);
    assertTrue(e.getMessage().contains("inside this network"), e.getMessage());
  }

  @Test
  void saysSoWhenTheHostCannotBeWorkedOut() {
    BuildException e = refused("FROM b\nADD http://${NOWHERE}/x /x\n");
    assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    assertTrue(e.getMessage().contains("write the address out"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "FROM b\nADD https://example.org/f.tgz /tmp/\n",
        "FROM b\nARG VERSION=1.2\nADD https://example.org/v${VERSION}/f.tgz /tmp/\n",
        "FROM b\nARG HOST=example.org\nADD https://$HOST/f /tmp/\n",
        "FROM b\nADD local.txt /x\nCOPY . /home/jovyan/\n",
        "FROM b\nADD [\"a b.txt\", \"/x\"]\n",
        "FROM b\nRUN curl http://127.0.0.1/x\n"
      })
  void acceptsPublicDownloadsAndLocalFiles(String dockerfile) {
    assertDoesNotThrow(() -> DockerfileAdds.check(dockerfile, ARGS, RULES));
  }

  @Test
  void anAllowedHostMayBeDownloadedFrom() {
    SourceValidator allowing =
        new SourceValidator(
            SourcePolicy.defaults().withAllowHosts(Set.of("127.0.0.1")), DNS, Set::of);
    assertDoesNotThrow(
        () -> DockerfileAdds.check("FROM b\nADD http://127.0.0.1/x /x\n", ARGS, allowing));
  }
}
