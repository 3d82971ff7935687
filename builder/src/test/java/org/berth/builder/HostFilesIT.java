package org.berth.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.berth.builder.source.GitRepoProvider;
import org.berth.imagecache.testing.TestRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A repository's symlinks never bring the Berth host's files into a build: on every strategy, with
 * file and folder links, absolute and relative, a secret kept on this machine (outside the
 * checkout) appears neither in the build's log nor anywhere in the built image, and no host file is
 * written through a link.
 */
class HostFilesIT {
  @RegisterExtension static final TestRegistry REGISTRY = new TestRegistry();
  static GitServer git;
  static PackageIndex index;
  static BuildService service;
  static Path host;
  static String secret;

  @BeforeAll
  static void start() throws Exception {
    secret = "BERTH-HOST-SECRET-" + UUID.randomUUID();
    host = Files.createTempDirectory("berth-host-secret");
    Files.writeString(host.resolve("secret.txt"), secret + "\n");
    Files.writeString(host.resolve("apt.txt"), secret + "\n");
    Files.writeString(host.resolve("requirements.txt"), secret + "\n");
    Files.writeString(
        host.resolve("environment.yml"), "dependencies:\n  - pip\n  - pip: [" + secret + "]\n");
    Files.writeString(
        host.resolve("Dockerfile"),
        "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nRUN echo " + secret + "-from-the-host\n");
    Files.writeString(host.resolve("victim"), "host file\n");
    git = new GitServer();
    index = new PackageIndex(BuilderStack.buildNetworkGateway());
    service =
        BuilderStack.service(
            BuilderStack.config(REGISTRY).withPipIndexUrl(index.url()),
            BuilderStack.sources(),
            new InMemoryBuildStore());
  }

  @AfterAll
  static void stop() {
    service.close();
    index.close();
    git.close();
    GitRepoProvider.clear(host);
  }

  /** A link that climbs out of any checkout to {@code target} with {@code ..}. */
  static Path climbing(Path target) {
    return Path.of("../".repeat(40) + target.toString().substring(1));
  }

  /** A repository of {@code files} and {@code links} (path to link target), one commit. */
  static String repo(String name, Map<String, String> files, Map<String, Path> links)
      throws Exception {
    Path dir = Files.createTempDirectory("berth-links-" + name);
    for (Map.Entry<String, String> f : files.entrySet()) {
      Path p = dir.resolve(f.getKey());
      Files.createDirectories(p.getParent());
      Files.writeString(p, f.getValue());
      if (f.getKey().endsWith("postBuild") || f.getKey().endsWith("verify")) {
        p.toFile().setExecutable(true);
      }
    }
    for (Map.Entry<String, Path> l : links.entrySet()) {
      Path p = dir.resolve(l.getKey());
      Files.createDirectories(p.getParent());
      Files.createSymbolicLink(p, l.getValue());
    }
    try {
      return git.create(name + "-" + System.nanoTime(), dir);
    } finally {
      GitRepoProvider.clear(dir);
    }
  }

  static List<String> log(BuildHandle h) {
    return h.events().stream()
        .map(
            e ->
                e instanceof BuildEvent.LogLine l
                    ? l.line()
                    : e instanceof BuildEvent.Finished f ? String.valueOf(f.message()) : "")
        .toList();
  }

  /** Waits for the build; asserts the secret is not in its log, whatever the outcome. */
  static BuildHandle built(String url) {
    BuildHandle h = service.submit(SourceSpec.of(url, "main"));
    try {
      h.result().get(5, TimeUnit.MINUTES);
    } catch (Exception e) {
      // the outcome is asserted by the caller
    }
    assertTrue(h.isDone(), "build did not finish");
    assertFalse(String.join("\n", log(h)).contains(secret), "the host's secret is in the log");
    return h;
  }

  static BuildException refused(String url, String file) {
    BuildHandle h = built(url);
    CompletionException e = assertThrows(CompletionException.class, () -> h.result().join());
    BuildException b = assertInstanceOf(BuildException.class, e.getCause());
    assertEquals(BuildException.Failure.RECIPE, b.failure(), b.getMessage());
    assertTrue(b.getMessage().contains(file), b.getMessage());
    assertTrue(b.getMessage().contains("outside the repository"), b.getMessage());
    assertFalse(b.getMessage().contains(secret), b.getMessage());
    return b;
  }

  /** Asserts the secret is in no file of the image (its whole file system is searched). */
  static void nowhereIn(BuiltImage image) {
    String out =
        Verify.shell(
            image.ref(),
            "echo files:; grep -rlsF '"
                + secret
                + "' / --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev; echo :files");
    // docker run may first say that it pulls the image
    String found = out.substring(out.indexOf("files:") + 6, out.indexOf(":files")).strip();
    assertEquals("", found, "files holding the host's secret in " + image.ref());
  }

  @Test
  void environmentFilesLinkedToHostFilesAreRefusedUnread() throws Exception {
    Path file = host.resolve("secret.txt");
    refused(repo("apt-abs", Map.of("index.ipynb", "{}"), Map.of("apt.txt", file)), "apt.txt");
    refused(
        repo("req-rel", Map.of(), Map.of("requirements.txt", climbing(file))), "requirements.txt");
    refused(repo("runtime-abs", Map.of(), Map.of("runtime.txt", file)), "runtime.txt");
    refused(
        repo("env-yml", Map.of(), Map.of("environment.yml", host.resolve("environment.yml"))),
        "environment.yml");
  }

  @Test
  void aBinderFolderLinkedToAHostFolderIsRefused() throws Exception {
    refused(repo("binder-abs", Map.of("index.ipynb", "{}"), Map.of("binder", host)), "binder");
    refused(
        repo("binder-rel", Map.of("index.ipynb", "{}"), Map.of(".binder", climbing(host))),
        ".binder");
  }

  @Test
  void aDockerfileLinkedToAHostFileIsRefusedUnread() throws Exception {
    refused(
        repo("df-abs", Map.of(), Map.of("Dockerfile", host.resolve("Dockerfile"))), "Dockerfile");
  }

  @Test
  void dockerfileCopyOfTheWholeRepositoryCopiesLinksAsLinks() throws Exception {
    Map<String, Path> links = new LinkedHashMap<>();
    links.put("hostdir", host);
    links.put("reldir", climbing(host));
    links.put("hostfile", host.resolve("secret.txt"));
    links.put("relfile", climbing(host.resolve("secret.txt")));
    links.put("notebook", Path.of("index.ipynb"));
    String url =
        repo(
            "df-copy",
            Map.of(
                "Dockerfile",
                "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nCOPY . /home/jovyan/\n",
                "index.ipynb",
                "{}"),
            links);
    BuildHandle h = built(url);
    BuiltImage image = h.result().join();
    nowhereIn(image);
    String listing =
        Verify.shell(
            image.ref(),
            "cd /home/jovyan && for f in hostdir reldir hostfile relfile notebook; do"
                + " echo \"$f -> $(readlink $f)\"; done; cat notebook");
    assertTrue(listing.contains("hostdir -> " + host), listing);
    assertTrue(listing.contains("notebook -> index.ipynb"), listing);
    assertTrue(listing.strip().endsWith("{}"), "a link inside the repository still works");
    Verify.run("docker", "rmi", image.ref().toString());
  }

  @Test
  void dockerfileCopyOfALinkedHostFolderOrFileGetsNothingFromTheHost() throws Exception {
    for (String copy : List.of("COPY hostdir/ /stolen/", "COPY hostfile /stolen.txt")) {
      String url =
          repo(
              "df-copy-link",
              Map.of("Dockerfile", "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\n" + copy + "\n"),
              Map.of("hostdir", host, "hostfile", host.resolve("secret.txt")));
      BuildHandle h = built(url);
      if (!h.result().isCompletedExceptionally()) {
        nowhereIn(h.result().join());
        Verify.run("docker", "rmi", h.result().join().ref().toString());
      }
    }
  }

  @Test
  void postBuildContentIsCopiedWithLinksAsLinksAndNoHostFileIsWritten() throws Exception {
    Map<String, Path> links = new LinkedHashMap<>();
    links.put("hostdir", host);
    links.put("relfile", climbing(host.resolve("secret.txt")));
    links.put(".dockerignore", host.resolve("victim"));
    links.put(".berth.Dockerfile", climbing(host.resolve("victim")));
    String url =
        repo(
            "postbuild-links",
            Map.of("postBuild", "#!/bin/sh\necho post-build ran\n", "index.ipynb", "{}"),
            links);
    BuildHandle h = built(url);
    BuiltImage image = h.result().join();
    assertEquals("host file\n", Files.readString(host.resolve("victim")), "host file written");
    nowhereIn(image);
    Verify.run("docker", "rmi", image.ref().toString());
  }

  @Test
  void contentLayerTakesNothingThroughLinks() throws Exception {
    String url =
        repo(
            "content-links",
            Map.of("index.ipynb", "{}"),
            Map.of("hostdir", host, "hostfile", climbing(host.resolve("secret.txt"))));
    BuildHandle h = built(url);
    BuiltImage image = h.result().join();
    nowhereIn(image);
    Verify.run("docker", "rmi", image.ref().toString());
  }

  @Test
  void theCheckoutKeepsEscapingLinksAsWrittenAndTheBuildLeavesTheHostAlone(@TempDir Path tmp)
      throws Exception {
    String url =
        repo(
            "checkout",
            Map.of("index.ipynb", "{}"),
            Map.of("hostdir", host, "relfile", climbing(host.resolve("secret.txt"))));
    GitRepoProvider provider = new GitRepoProvider(BuilderStack.sources());
    SourceTree tree =
        provider.fetch(provider.resolve(SourceSpec.of(url, "main")), tmp.resolve("src"));
    assertEquals(host, Files.readSymbolicLink(tree.root().resolve("hostdir")));
    assertEquals(
        climbing(host.resolve("secret.txt")),
        Files.readSymbolicLink(tree.root().resolve("relfile")));
    assertThrows(BuildException.class, () -> tree.file("relfile"));
    assertThrows(BuildException.class, () -> tree.file("hostdir/secret.txt"));
    GitRepoProvider.clear(tree.root());
    assertTrue(Files.exists(host.resolve("secret.txt")), "clearing a checkout follows no link");
  }
}
