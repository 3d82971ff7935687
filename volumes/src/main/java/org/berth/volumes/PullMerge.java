package org.berth.volumes;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jgit.diff.RawText;
import org.eclipse.jgit.diff.RawTextComparator;
import org.eclipse.jgit.merge.MergeAlgorithm;
import org.eclipse.jgit.merge.MergeChunk;
import org.eclipse.jgit.merge.MergeResult;

/**
 * Brings new upstream files into a user's copy without losing the user's work, by nbgitpuller's
 * rules and one more:
 *
 * <ul>
 *   <li>a file the user did not change takes the upstream version;
 *   <li>a file both changed is merged line by line, and where both changed the same lines the
 *       user's lines win;
 *   <li>a file the user deleted comes back;
 *   <li>a user's file that clashes with a new upstream file of the same path is renamed (to {@code
 *       name_1.ext}, or the next free number), and the upstream file takes its place;
 *   <li>a file deleted upstream stays in the user's copy;
 *   <li>and, beyond nbgitpuller, every upstream change that was not applied as it is upstream is
 *       reported, with why.
 * </ul>
 *
 * Pure: it decides from the three sets of files it is given (base = what was pulled last time).
 */
public final class PullMerge {

  private PullMerge() {}

  /** What a pull writes, and what it tells the user. */
  public record Plan(Map<String, byte[]> writes, List<String> notApplied, int applied) {}

  public static Plan plan(
      Map<String, byte[]> base, Map<String, byte[]> current, Map<String, byte[]> upstream) {
    Map<String, byte[]> writes = new TreeMap<>();
    List<String> notApplied = new ArrayList<>();
    int applied = 0;
    for (Map.Entry<String, byte[]> e : new TreeMap<>(upstream).entrySet()) {
      String path = e.getKey();
      byte[] theirs = e.getValue();
      byte[] old = base.get(path);
      byte[] mine = current.get(path);
      if (mine != null && Arrays.equals(mine, theirs)) {
        continue; // already as upstream has it
      }
      if (old == null) {
        if (mine != null) {
          String renamed = freeName(path, current, upstream, writes);
          writes.put(renamed, mine);
          notApplied.add(path + ": you had a file of this name; it is kept as " + renamed + ".");
        }
        writes.put(path, theirs);
        applied++;
      } else if (mine == null) {
        writes.put(path, theirs); // deleted by the user: it comes back
        applied++;
      } else if (Arrays.equals(mine, old)) {
        writes.put(path, theirs);
        applied++;
      } else if (Arrays.equals(theirs, old)) {
        continue; // only the user changed it
      } else if (isBinary(old) || isBinary(mine) || isBinary(theirs)) {
        notApplied.add(path + ": you and upstream both changed it; your version is kept.");
      } else {
        Merged merged = merge(old, mine, theirs);
        writes.put(path, merged.text());
        applied++;
        if (merged.conflicts() > 0) {
          notApplied.add(
              path
                  + ": upstream changed lines you had changed too ("
                  + merged.conflicts()
                  + (merged.conflicts() == 1 ? " place" : " places")
                  + "); your lines are kept there.");
        }
      }
    }
    for (String path : new TreeMap<>(base).keySet()) {
      if (!upstream.containsKey(path) && current.containsKey(path)) {
        notApplied.add(path + ": deleted upstream; your copy is kept.");
      }
    }
    return new Plan(writes, notApplied, applied);
  }

  private record Merged(byte[] text, int conflicts) {}

  private static Merged merge(byte[] base, byte[] mine, byte[] theirs) {
    RawText b = new RawText(base);
    RawText o = new RawText(mine);
    RawText t = new RawText(theirs);
    MergeResult<RawText> result = new MergeAlgorithm().merge(RawTextComparator.DEFAULT, b, o, t);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int conflicts = 0;
    for (MergeChunk chunk : result) {
      RawText seq = result.getSequences().get(chunk.getSequenceIndex());
      switch (chunk.getConflictState()) {
        case NO_CONFLICT -> {
          copy(seq, chunk, out);
        }
        case FIRST_CONFLICTING_RANGE -> {
          conflicts++;
          copy(seq, chunk, out); // the first range is ours: the user's lines win
        }
        case NEXT_CONFLICTING_RANGE, BASE_CONFLICTING_RANGE -> {
          // upstream's side of the conflict, and the common base: dropped
        }
        default -> throw new IllegalStateException(chunk.getConflictState().name());
      }
    }
    byte[] text = out.toByteArray();
    if (text.length > 0 && text[text.length - 1] == '\n' && !endsWithNewline(mine, theirs)) {
      text = Arrays.copyOf(text, text.length - 1);
    }
    return new Merged(text, conflicts);
  }

  private static boolean endsWithNewline(byte[] mine, byte[] theirs) {
    return (mine.length > 0 && mine[mine.length - 1] == '\n')
        || (theirs.length > 0 && theirs[theirs.length - 1] == '\n');
  }

  private static void copy(RawText seq, MergeChunk chunk, ByteArrayOutputStream out) {
    for (int i = chunk.getBegin(); i < chunk.getEnd(); i++) {
      out.writeBytes(seq.getString(i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      out.write('\n');
    }
  }

  private static boolean isBinary(byte[] data) {
    return RawText.isBinary(data);
  }

  private static String freeName(
      String path,
      Map<String, byte[]> current,
      Map<String, byte[]> upstream,
      Map<String, byte[]> writes) {
    int slash = path.lastIndexOf('/');
    int dot = path.lastIndexOf('.');
    boolean hasExt = dot > slash + 1;
    String stem = hasExt ? path.substring(0, dot) : path;
    String ext = hasExt ? path.substring(dot) : "";
    for (int n = 1; ; n++) {
      String candidate = stem + "_" + n + ext;
      if (!current.containsKey(candidate)
          && !upstream.containsKey(candidate)
          && !writes.containsKey(candidate)) {
        return candidate;
      }
    }
  }
}
