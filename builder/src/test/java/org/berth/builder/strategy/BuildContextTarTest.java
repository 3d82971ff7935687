package org.berth.builder.strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.berth.builder.SourceTree;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildContextTarTest {
  @TempDir Path host;
  @TempDir Path root;

  @BeforeEach
  void hostFiles() throws Exception {
    Files.writeString(host.resolve("secret.txt"), "host secret\n");
  }

  /** What the tar holds: "dir", "link TARGET", or "file MODE CONTENT", by entry name. */
  static Map<String, String> entries(BuildContextTar context) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    context.writeTo(out);
    Map<String, String> entries = new TreeMap<>();
    try (TarArchiveInputStream tar =
        new TarArchiveInputStream(new ByteArrayInputStream(out.toByteArray()))) {
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        String what =
            e.isDirectory()
                ? "dir"
                : e.isSymbolicLink()
                    ? "link " + e.getLinkName()
                    : "file "
                        + Integer.toOctalString(e.getMode() & 0777)
                        + " "
                        + new String(tar.readAllBytes(), StandardCharsets.UTF_8);
        entries.put(e.getName() + (e.getUserId() == 0 ? "" : " uid=" + e.getUserId()), what);
      }
    }
    return entries;
  }

  SourceTree tree() {
    return new SourceTree(root, null);
  }

  @Test
  void storesLinksAsLinksAndFollowsNone() throws Exception {
    Files.writeString(root.resolve("index.ipynb"), "{}");
    Files.createSymbolicLink(root.resolve("hostdir"), host);
    Files.createSymbolicLink(root.resolve("hostfile"), host.resolve("secret.txt"));
    Files.createSymbolicLink(root.resolve("up"), Path.of("../../.."));
    Files.createSymbolicLink(root.resolve("notebook"), Path.of("index.ipynb"));
    Map<String, String> tar = entries(BuildContextTar.of(tree()));
    assertEquals("link " + host, tar.get("hostdir"));
    assertEquals("link " + host.resolve("secret.txt"), tar.get("hostfile"));
    assertEquals("link ../../..", tar.get("up"));
    assertEquals("link index.ipynb", tar.get("notebook"));
    assertFalse(tar.toString().contains("host secret"), tar.toString());
    assertEquals(5, tar.size(), tar.toString());
  }

  @Test
  void keepsModesLeavesOutGitAndLetsBerthsFilesReplaceTheRepositorys() throws Exception {
    Files.writeString(root.resolve("run.sh"), "#!/bin/sh\n");
    Files.setPosixFilePermissions(
        root.resolve("run.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.createDirectories(root.resolve(".git/objects"));
    Files.writeString(root.resolve(".git/config"), "[core]\n");
    Files.createDirectories(root.resolve("sub/.git"));
    Files.createSymbolicLink(root.resolve(".berth.Dockerfile"), host.resolve("secret.txt"));
    Map<String, String> tar =
        entries(
            BuildContextTar.of(tree())
                .withFile(".berth.Dockerfile", "FROM base\n".getBytes())
                .dockerfile(".berth.Dockerfile"));
    assertEquals("file 755 #!/bin/sh\n", tar.get("run.sh"));
    assertEquals("file 644 FROM base\n", tar.get(".berth.Dockerfile"));
    assertFalse(tar.keySet().stream().anyMatch(n -> n.startsWith(".git")), tar.toString());
    assertEquals("dir", tar.get("sub/.git/"));
  }

  @Test
  void honoursDockerignoreButAlwaysSendsTheDockerfileAndItself() throws Exception {
    Files.writeString(
        root.resolve(".dockerignore"), "# big data\n*.csv\n!keep.csv\nbinder\n.dockerignore\n");
    Files.writeString(root.resolve("a.csv"), "1");
    Files.writeString(root.resolve("keep.csv"), "2");
    Files.createDirectories(root.resolve("binder"));
    Files.writeString(root.resolve("binder/Dockerfile"), "FROM base\n");
    Files.writeString(root.resolve("binder/other"), "x");
    Map<String, String> tar = entries(BuildContextTar.of(tree()).dockerfile("binder/Dockerfile"));
    assertFalse(tar.containsKey("a.csv"), tar.toString());
    assertTrue(tar.containsKey("keep.csv"), tar.toString());
    assertTrue(tar.containsKey("binder/Dockerfile"), tar.toString());
    assertFalse(tar.containsKey("binder/other"), tar.toString());
    assertTrue(tar.containsKey(".dockerignore"), tar.toString());
  }

  @Test
  void aDockerignoreLinkedOutOfTheRepositoryIsNotRead() throws Exception {
    Files.writeString(host.resolve("ignore"), "*\n");
    Files.createSymbolicLink(root.resolve(".dockerignore"), host.resolve("ignore"));
    Files.writeString(root.resolve("index.ipynb"), "{}");
    Map<String, String> tar = entries(BuildContextTar.of(tree()));
    assertEquals("link " + host.resolve("ignore"), tar.get(".dockerignore"));
    assertTrue(tar.containsKey("index.ipynb"), tar.toString());
  }

  @Test
  void aWorkspaceFolderOwnedByTheBuilderUser() throws Exception {
    Files.writeString(root.resolve(".dockerignore"), "*\n");
    Files.writeString(root.resolve("app.py"), "print(1)\n");
    Map<String, String> tar = entries(BuildContextTar.of(tree()).asFolder("workspace", 1000));
    assertEquals("dir", tar.get("workspace/ uid=1000"));
    assertEquals("file 644 print(1)\n", tar.get("workspace/app.py uid=1000"));
    assertTrue(tar.containsKey("workspace/.dockerignore uid=1000"), "no .dockerignore applied");
  }

  @Test
  void aContextOfGeneratedFilesOnly() throws Exception {
    BuildContextTar context =
        BuildContextTar.empty()
            .withFile("apt.txt", "tree\n".getBytes())
            .withFile("Dockerfile", "FROM b\n".getBytes());
    assertEquals(
        Map.of("apt.txt", "file 644 tree\n", "Dockerfile", "file 644 FROM b\n"), entries(context));
    assertEquals("FROM b\n", context.dockerfileText().orElseThrow());
  }
}
