package org.berth.builder;

import java.util.regex.Pattern;

/**
 * One entry of a fetched commit as git records it: its path, its kind and the id of its object. The
 * id changes exactly when the content does, so it names the content without reading it.
 *
 * @param path relative to the repository root, {@code /}-separated, no {@code .} or {@code ..}
 *     parts
 * @param kind what the entry is
 * @param objectId the git object id (hex): the blob of a file or link, the commit of a submodule
 * @param size the file's length in bytes, the link target's length, 0 for a submodule
 */
public record SourceFile(String path, Kind kind, String objectId, long size) {
  private static final Pattern ID = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");

  /** The kinds of entries a commit holds. */
  public enum Kind {
    /** A regular file (git mode 100644). */
    FILE,
    /** An executable file (git mode 100755). */
    EXECUTABLE,
    /** A symbolic link (git mode 120000): its content is the link's target. */
    SYMLINK,
    /** A submodule (git mode 160000): an empty directory in the checkout. */
    SUBMODULE
  }

  public SourceFile {
    if (path == null
        || path.isEmpty()
        || path.startsWith("/")
        || path.endsWith("/")
        || ("/" + path + "/").contains("/../")
        || ("/" + path + "/").contains("/./")
        || path.contains("//")
        || path.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("not a relative path: " + path);
    }
    if (kind == null) {
      throw new IllegalArgumentException("a source file needs a kind: " + path);
    }
    if (objectId == null || !ID.matcher(objectId).matches()) {
      throw new IllegalArgumentException("not a git object id: " + objectId);
    }
    if (size < 0) {
      throw new IllegalArgumentException("negative size of " + path);
    }
  }

  /** Whether the entry has bytes of its own (a file or a link). */
  public boolean hasContent() {
    return kind != Kind.SUBMODULE;
  }

  /** The folder holding the entry, {@code ""} at the root. */
  public String parent() {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }
}
