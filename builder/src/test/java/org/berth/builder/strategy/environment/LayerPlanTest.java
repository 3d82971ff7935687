package org.berth.builder.strategy.environment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.berth.builder.SourceFile;
import org.berth.imagecache.LayerKey;
import org.junit.jupiter.api.Test;

class LayerPlanTest {
  static final long MB = 1024 * 1024;

  static SourceFile file(String path, long size, int version) {
    return new SourceFile(
        path, SourceFile.Kind.FILE, String.format("%040x", path.hashCode() * 31L + version), size);
  }

  /** Twenty 10 MB data files and a notebook: the benchmark's repository. */
  static List<SourceFile> dataRepo(int notebookVersion) {
    List<SourceFile> files = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      files.add(file("data/part-" + i + ".bin", 10 * MB, 0));
    }
    files.add(file("index.ipynb", 2_000, notebookVersion));
    files.add(file("README.md", 300, 0));
    return files;
  }

  static Set<LayerKey> keys(List<LayerPlan.Part> parts) {
    return parts.stream().map(LayerPlan.Part::key).collect(Collectors.toSet());
  }

  @Test
  void largeFilesGetLayersOfTheirOwnAndSmallOnesShareOne() {
    List<LayerPlan.Part> parts = LayerPlan.of(dataRepo(1));
    assertEquals(21, parts.size());
    assertEquals(20, parts.stream().filter(p -> p.files().size() == 1 && p.bytes() > MB).count());
    LayerPlan.Part small =
        parts.stream().filter(p -> p.files().size() == 2).findFirst().orElseThrow();
    assertEquals(
        List.of("README.md", "index.ipynb"), small.files().stream().map(SourceFile::path).toList());
  }

  @Test
  void aNotebookOnlyCommitChangesOnlyTheLayerHoldingTheNotebook() {
    Set<LayerKey> before = keys(LayerPlan.of(dataRepo(1)));
    Set<LayerKey> after = keys(LayerPlan.of(dataRepo(2)));
    Set<LayerKey> changed = new HashSet<>(after);
    changed.removeAll(before);
    assertEquals(1, changed.size());
    assertEquals(20, after.stream().filter(before::contains).count());
  }

  @Test
  void theSameFilesGiveTheSameLayersWhateverTheirOrder() {
    List<SourceFile> files = new ArrayList<>(dataRepo(1));
    List<LayerPlan.Part> a = LayerPlan.of(files);
    java.util.Collections.reverse(files);
    assertEquals(a, LayerPlan.of(files));
  }

  @Test
  void deletingOrRenamingAFileChangesOnlyItsLayer() {
    List<SourceFile> files = new ArrayList<>(dataRepo(1));
    Set<LayerKey> before = keys(LayerPlan.of(files));
    files.removeIf(f -> f.path().equals("data/part-3.bin"));
    Set<LayerKey> deleted = keys(LayerPlan.of(files));
    assertEquals(20, deleted.size());
    assertTrue(before.containsAll(deleted), "the other layers stay as they were");

    files.add(
        new SourceFile(
            "data/renamed.bin",
            SourceFile.Kind.FILE,
            file("data/part-3.bin", 10 * MB, 0).objectId(),
            10 * MB));
    Set<LayerKey> renamed = keys(LayerPlan.of(files));
    assertEquals(21, renamed.size());
    assertEquals(20, renamed.stream().filter(before::contains).count());
  }

  @Test
  void aHeavyFolderIsSplitIntoItsSubFoldersSoAChangeStaysLocal() {
    List<SourceFile> files = new ArrayList<>();
    for (String dir : List.of("a", "b", "c")) {
      for (int i = 0; i < 10; i++) {
        files.add(file(dir + "/f" + i + ".csv", 60_000, 0));
      }
    }
    files.add(file("index.ipynb", 1000, 0));
    List<LayerPlan.Part> parts = LayerPlan.of(files);
    assertEquals(4, parts.size(), parts.toString());
    files.set(0, file("a/f0.csv", 60_000, 1));
    Set<LayerKey> after = keys(LayerPlan.of(files));
    after.removeAll(keys(parts));
    assertEquals(1, after.size(), "only folder a's layer changes");
  }

  @Test
  void aFolderOfManyFilesIsCutIntoRuns() {
    List<SourceFile> files = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      files.add(file(String.format("flat/%03d.txt", i), 100_000, 0));
    }
    List<LayerPlan.Part> parts = LayerPlan.of(files);
    assertTrue(parts.size() >= 10, parts.size() + " parts");
    assertTrue(parts.stream().allMatch(p -> p.bytes() <= LayerPlan.GROUP), "runs stay small");
    assertEquals(100, parts.stream().mapToInt(p -> p.files().size()).sum());
  }

  @Test
  void neverMoreLayersThanTheCapAndEveryFileOnce() {
    List<SourceFile> files = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      files.add(file("big/" + i + ".bin", 2 * MB, 0));
      files.add(file("small/" + (i % 37) + "/" + i + ".txt", 90_000, 0));
    }
    List<LayerPlan.Part> parts = LayerPlan.of(files);
    assertTrue(parts.size() <= LayerPlan.MAX_LAYERS, parts.size() + " layers");
    assertEquals(1000, parts.stream().mapToInt(p -> p.files().size()).sum());
    assertEquals(
        1000,
        parts.stream().flatMap(p -> p.files().stream()).map(SourceFile::path).distinct().count());
  }

  @Test
  void linksAndSubmodulesAreGroupedNeverAloneAndKeysTellKindsApart() {
    List<SourceFile> files =
        List.of(
            new SourceFile("link", SourceFile.Kind.SYMLINK, "a".repeat(40), 5),
            new SourceFile("module", SourceFile.Kind.SUBMODULE, "b".repeat(40), 0),
            file("notes.md", 10, 0));
    List<LayerPlan.Part> parts = LayerPlan.of(files);
    assertEquals(1, parts.size());
    List<SourceFile> exec =
        List.of(
            new SourceFile("link", SourceFile.Kind.SYMLINK, "a".repeat(40), 5),
            new SourceFile("module", SourceFile.Kind.SUBMODULE, "b".repeat(40), 0),
            new SourceFile(
                "notes.md", SourceFile.Kind.EXECUTABLE, file("notes.md", 10, 0).objectId(), 10));
    assertNotEquals(parts.get(0).key(), LayerPlan.of(exec).get(0).key());
    assertFalse(LayerPlan.of(List.of()).iterator().hasNext(), "an empty commit has no layers");
  }
}
