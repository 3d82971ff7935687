package org.berth.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Config files are read from inside the checkout only, whatever links the repository holds. */
class SourceTreeTest {
  @TempDir Path host;
  @TempDir Path root;
  String secret;
  Path secretFile;

  @BeforeEach
  void hostSecret() throws Exception {
    secret = "BERTH-HOST-SECRET-" + UUID.randomUUID();
    secretFile = host.resolve("secret.txt");
    Files.writeString(secretFile, secret + "\n");
    Files.writeString(host.resolve("apt.txt"), secret + "\n");
  }

  SourceTree tree() {
    return new SourceTree(
        root,
        new ResolvedSource(SourceSpec.of("https://example.org/r", "main"), "a".repeat(40), "main"));
  }

  /** A relative link from {@code at} that climbs out of the checkout to {@code target}. */
  static Path climbing(Path target) {
    return Path.of("../".repeat(40) + target.toString().substring(1));
  }

  BuildException refusedRead(String name) {
    BuildException e = assertThrows(BuildException.class, () -> tree().config(name), name);
    assertEquals(BuildException.Failure.RECIPE, e.failure());
    assertFalse(e.getMessage().contains(secret), e.getMessage());
    return e;
  }

  @Test
  void refusesAConfigFileLinkedAbsolutelyToAHostFile() throws Exception {
    Files.createSymbolicLink(root.resolve("apt.txt"), secretFile);
    BuildException e = refusedRead("apt.txt");
    assertTrue(e.getMessage().contains("apt.txt"), e.getMessage());
    assertTrue(e.getMessage().contains("outside the repository"), e.getMessage());
  }

  @Test
  void refusesAConfigFileLinkedRelativelyOutOfTheCheckout() throws Exception {
    Files.createSymbolicLink(root.resolve("requirements.txt"), climbing(secretFile));
    refusedRead("requirements.txt");
  }

  @Test
  void refusesALinkThatEscapesThroughAnotherLink() throws Exception {
    Files.createDirectories(root.resolve("ci"));
    Files.createSymbolicLink(root.resolve("ci/up"), Path.of("../.."));
    Files.createSymbolicLink(root.resolve("runtime.txt"), Path.of("ci/up/x/secret.txt"));
    refusedRead("runtime.txt");
  }

  @Test
  void refusesABinderFolderLinkedToAHostFolder() throws Exception {
    Files.createSymbolicLink(root.resolve("binder"), host);
    BuildException e = assertThrows(BuildException.class, () -> tree().config("apt.txt"));
    assertEquals(BuildException.Failure.RECIPE, e.failure());
    assertTrue(e.getMessage().contains("binder"), e.getMessage());
    assertFalse(e.getMessage().contains(secret), e.getMessage());
    Files.delete(root.resolve("binder"));
    Files.createSymbolicLink(root.resolve(".binder"), climbing(host));
    assertThrows(BuildException.class, () -> tree().configDir());
  }

  @Test
  void followsLinksThatStayInsideTheCheckout() throws Exception {
    Files.createDirectories(root.resolve("ci/binder"));
    Files.writeString(root.resolve("ci/binder/apt.txt"), "tree\n");
    Files.writeString(root.resolve("requirements-real.txt"), "berthwheel==0.1\n");
    Files.createSymbolicLink(root.resolve("binder"), Path.of("ci/binder"));
    Files.createSymbolicLink(
        root.resolve("ci/binder/requirements.txt"), Path.of("../../requirements-real.txt"));
    SourceTree tree = tree();
    assertEquals("tree\n", tree.read(tree.config("apt.txt").orElseThrow()));
    Path requirements = tree.config("requirements.txt").orElseThrow();
    assertEquals("berthwheel==0.1\n", tree.read(requirements));
    assertFalse(Files.isSymbolicLink(requirements), "the link's target, not the link");
    assertTrue(requirements.startsWith(root));
  }

  @Test
  void aLinkToNothingInsideTheCheckoutIsNoConfig() throws Exception {
    Files.createSymbolicLink(root.resolve("apt.txt"), Path.of("missing.txt"));
    assertEquals(Optional.empty(), tree().config("apt.txt"));
    assertFalse(tree().has("apt.txt"));
  }

  @Test
  void aLinkLoopIsARecipeError() throws Exception {
    Files.createSymbolicLink(root.resolve("a"), Path.of("b"));
    Files.createSymbolicLink(root.resolve("b"), Path.of("a"));
    Files.createSymbolicLink(root.resolve("apt.txt"), Path.of("a"));
    assertEquals(BuildException.Failure.RECIPE, refusedRead("apt.txt").failure());
  }

  @Test
  void readRefusesAPathOutsideTheCheckout() {
    assertThrows(BuildException.class, () -> tree().read(secretFile));
    assertThrows(BuildException.class, () -> tree().read(root.resolve("../x/secret.txt")));
  }

  @Test
  void aFileOfTheCheckoutIsFoundByItsRelativePath() throws Exception {
    Files.createDirectories(root.resolve("docs"));
    Files.writeString(root.resolve("docs/.dockerignore"), "*.csv\n");
    Files.createSymbolicLink(root.resolve(".dockerignore"), Path.of("docs/.dockerignore"));
    Files.createSymbolicLink(root.resolve("leak"), secretFile);
    SourceTree tree = tree();
    assertEquals("*.csv\n", tree.read(tree.file(".dockerignore").orElseThrow()));
    assertEquals(Optional.empty(), tree.file("nope"));
    assertThrows(BuildException.class, () -> tree.file("leak"));
    assertThrows(BuildException.class, () -> tree.file("../secret.txt"));
  }
}
