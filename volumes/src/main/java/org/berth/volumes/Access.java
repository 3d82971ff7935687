package org.berth.volumes;

/** What a member may do with a volume's files. */
public enum Access {
  READ_ONLY,
  READ_WRITE;

  /** Parses {@code ro}/{@code rw} (or the names), as the API and forms send them. */
  public static Access parse(String text) {
    String t = text == null ? "" : text.strip().toLowerCase(java.util.Locale.ROOT);
    return switch (t) {
      case "ro", "read-only", "read_only", "readonly" -> READ_ONLY;
      case "rw", "read-write", "read_write", "readwrite" -> READ_WRITE;
      default ->
          throw new VolumeException.Invalid(
              "Access is read-only (ro) or read-write (rw), not '" + text + "'.");
    };
  }

  public String word() {
    return this == READ_ONLY ? "read-only" : "read-write";
  }
}
