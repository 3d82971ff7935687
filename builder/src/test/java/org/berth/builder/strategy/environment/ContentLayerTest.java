package org.berth.builder.strategy.environment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.berth.builder.SourceFile;
import org.berth.builder.SourceFiles;
import org.junit.jupiter.api.Test;

/** What a content layer's tar holds, without a registry. */
class ContentLayerTest {
  static final Map<String, String> BYTES =
      Map.of(
          "a/b/deep.txt", "deep\n",
          "a/run.sh", "#!/bin/sh\n",
          "index.ipynb", "{}",
          "escape", "../../../etc/passwd");

  static SourceFile entry(String path, SourceFile.Kind kind) {
    String bytes = BYTES.getOrDefault(path, "");
    return new SourceFile(path, kind, String.format("%040x", path.hashCode()), bytes.length());
  }

  /** A store that serves the bytes above; no disk, no git. */
  static final SourceFiles.Contents CONTENTS =
      new SourceFiles.Contents() {
        @Override
        public InputStream open(SourceFile file) {
          return new ByteArrayInputStream(BYTES.get(file.path()).getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void close() {}
      };

  static LayerPlan.Part part() {
    return LayerPlan.of(
            List.of(
                entry("a/b/deep.txt", SourceFile.Kind.FILE),
                entry("a/run.sh", SourceFile.Kind.EXECUTABLE),
                entry("escape", SourceFile.Kind.SYMLINK),
                entry("index.ipynb", SourceFile.Kind.FILE),
                entry("lib/module", SourceFile.Kind.SUBMODULE)))
        .get(0);
  }

  static byte[] tar(LayerPlan.Part part) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ContentLayer.writeTar(part, CONTENTS, out);
    return out.toByteArray();
  }

  @Test
  void aLayerHoldsTheHomeItsFoldersAndEntriesOwnedByTheNotebookUser() throws IOException {
    List<byte[]> contents = new ArrayList<>();
    List<TarArchiveEntry> entries = TarWriterTest.read(tar(part()), contents);

    assertEquals(
        List.of(
            "home/",
            "home/jovyan/",
            "home/jovyan/a/",
            "home/jovyan/a/b/",
            "home/jovyan/a/b/deep.txt",
            "home/jovyan/a/run.sh",
            "home/jovyan/escape",
            "home/jovyan/index.ipynb",
            "home/jovyan/lib/",
            "home/jovyan/lib/module/"),
        entries.stream().map(TarArchiveEntry::getName).toList());
    assertEquals(0, entries.get(0).getLongUserId(), "/home stays root's");
    for (TarArchiveEntry e : entries.subList(1, entries.size())) {
      assertEquals(1000, e.getLongUserId(), e.getName());
      assertEquals(100, e.getLongGroupId(), e.getName());
      assertEquals(1000L, e.getLastModifiedDate().getTime(), e.getName());
    }
    assertEquals(0755, entries.get(1).getMode() & 07777, "the home");
    assertEquals(0644, entries.get(4).getMode() & 07777);
    assertEquals("deep\n", new String(contents.get(4), StandardCharsets.UTF_8));
    assertEquals(0755, entries.get(5).getMode() & 07777);
    TarArchiveEntry link = entries.get(6);
    assertTrue(link.isSymbolicLink(), "a link is stored as a link, never followed");
    assertEquals("../../../etc/passwd", link.getLinkName());
    assertTrue(entries.get(9).isDirectory(), "a submodule is an empty folder");
  }

  @Test
  void theSameEntriesGiveTheSameLayerBytes() throws IOException {
    assertArrayEquals(tar(part()), tar(part()));
    assertTrue(tar(part()).length <= ContentLayer.estimate(part()));
  }

  @Test
  void theStepSaysWhatWasReusedWrittenAndUploaded() {
    assertEquals(
        "21 content layers on 127.0.0.1:5000/berth/env:x: 20 reused, 1 written, 10.8 kB uploaded"
            + " (10773 bytes)",
        ContentLayer.summary(
            21, 20, 10773, org.berth.imagecache.ImageRef.parse("127.0.0.1:5000/berth/env:x")));
    assertEquals("512 B", ContentLayer.readable(512));
    assertEquals("210 MB", ContentLayer.readable(209_787_413));
  }
}
