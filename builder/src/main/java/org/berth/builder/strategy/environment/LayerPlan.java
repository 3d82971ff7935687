package org.berth.builder.strategy.environment;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import org.berth.builder.SourceFile;
import org.berth.imagecache.LayerKey;

/**
 * How a commit's files are cut into content layers, from what git lists (paths, kinds, ids, sizes)
 * and nothing else, so that a part of the repository that did not change keeps its layer:
 *
 * <ul>
 *   <li>each file of {@link #LARGE} bytes or more is a layer of its own;
 *   <li>the other entries are grouped by folder: a folder whose entries weigh at most {@link
 *       #GROUP} is one layer; a heavier one is split into its own entries (cut into runs of at most
 *       {@code GROUP}) and each of its sub-folders, treated the same way;
 *   <li>when that gives more than {@link #MAX_LAYERS} layers, both sizes are multiplied by four
 *       until it does not, so an image never comes near the layer limits of overlay file systems
 *       and registries.
 * </ul>
 *
 * Each layer's {@link LayerKey} is a hash of the layer format and, for every entry in it, its path,
 * kind and git object id: the same entries give the same key, and the same key the same bytes (see
 * {@link ContentLayer}). Pure functions; thread-safe.
 */
final class LayerPlan {
  /** A file this large gets a layer of its own. */
  static final long LARGE = 1024 * 1024;

  /** The most a group of smaller entries weighs before its folder is split. */
  static final long GROUP = 1024 * 1024;

  /** The most content layers an image gets. */
  static final int MAX_LAYERS = 40;

  /** What every entry weighs on top of its bytes (its tar header). */
  private static final long HEADER = TarWriter.BLOCK;

  /**
   * One content layer.
   *
   * @param key what it holds
   * @param files its entries, sorted by path
   * @param label a short description for the image's history: a path, or a folder and a count
   */
  record Part(LayerKey key, List<SourceFile> files, String label) {
    long bytes() {
      return files.stream().mapToLong(f -> f.size() + HEADER).sum();
    }
  }

  private LayerPlan() {}

  /** The layers of {@code files}, in a fixed order; none for an empty commit. */
  static List<Part> of(List<SourceFile> files) {
    return of(files, LARGE, GROUP, MAX_LAYERS);
  }

  static List<Part> of(List<SourceFile> files, long large, long group, int maxLayers) {
    List<SourceFile> sorted = new ArrayList<>(files);
    sorted.sort(Comparator.comparing(SourceFile::path));
    while (true) {
      List<List<SourceFile>> cut = new ArrayList<>();
      List<SourceFile> rest = new ArrayList<>();
      for (SourceFile f : sorted) {
        if (f.kind() != SourceFile.Kind.SYMLINK && f.hasContent() && f.size() >= large) {
          cut.add(List.of(f));
        } else {
          rest.add(f);
        }
      }
      split("", rest, group, cut);
      if (cut.size() <= maxLayers) {
        cut.sort(Comparator.comparing(part -> part.get(0).path()));
        return cut.stream().map(LayerPlan::part).toList();
      }
      large *= 4;
      group *= 4;
    }
  }

  /** Groups the entries under {@code folder} (all of which lie under it). */
  private static void split(
      String folder, List<SourceFile> entries, long group, List<List<SourceFile>> into) {
    if (entries.isEmpty()) {
      return;
    }
    if (weight(entries) <= group) {
      into.add(entries);
      return;
    }
    String prefix = folder.isEmpty() ? "" : folder + "/";
    List<SourceFile> own = new ArrayList<>();
    TreeMap<String, List<SourceFile>> children = new TreeMap<>();
    for (SourceFile f : entries) {
      String rest = f.path().substring(prefix.length());
      int slash = rest.indexOf('/');
      if (slash < 0) {
        own.add(f);
      } else {
        children.computeIfAbsent(rest.substring(0, slash), k -> new ArrayList<>()).add(f);
      }
    }
    List<SourceFile> run = new ArrayList<>();
    long runWeight = 0;
    for (SourceFile f : own) {
      long w = f.size() + HEADER;
      if (!run.isEmpty() && runWeight + w > group) {
        into.add(run);
        run = new ArrayList<>();
        runWeight = 0;
      }
      run.add(f);
      runWeight += w;
    }
    if (!run.isEmpty()) {
      into.add(run);
    }
    children.forEach((name, under) -> split(prefix + name, under, group, into));
  }

  private static long weight(List<SourceFile> entries) {
    long w = 0;
    for (SourceFile f : entries) {
      w += f.size() + HEADER;
    }
    return w;
  }

  private static Part part(List<SourceFile> files) {
    LayerKey.Builder key = LayerKey.builder(ContentLayer.FORMAT).add(files.size());
    for (SourceFile f : files) {
      key.add(f.path()).add(f.kind().name()).add(f.objectId());
    }
    return new Part(key.build(), List.copyOf(files), label(files));
  }

  private static String label(List<SourceFile> files) {
    if (files.size() == 1) {
      return files.get(0).path();
    }
    String common = files.get(0).parent();
    for (SourceFile f : files) {
      while (!common.isEmpty() && !(f.path() + "/").startsWith(common + "/")) {
        int slash = common.lastIndexOf('/');
        common = slash < 0 ? "" : common.substring(0, slash);
      }
    }
    return (common.isEmpty() ? "/" : common + "/") + " (" + files.size() + " entries)";
  }
}
