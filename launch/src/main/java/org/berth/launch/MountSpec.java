package org.berth.launch;

import java.util.Set;

/**
 * One mount a user asks for in a server's spec: a path inside the server ({@code target}), the
 * volume to mount there ({@code volume}: one of the owner's volumes by name, another user's as
 * {@code owner/name}, or {@link #HOME} for the owner's personal home), whether it is mounted
 * read-only, a sub-path inside the volume (may hold {@code {username}}, {@code {server}}, {@code
 * {course}} and {@code {session}}; empty for the whole volume), and how an empty volume or sub-path
 * is seeded. The checks here are those that need no volume: where a volume may be mounted. Whether
 * the owner may mount the volume, and how, is the volumes module's decision.
 */
public record MountSpec(String target, String volume, boolean readOnly, String subPath, Seed seed) {

  /** The owner's personal home volume. */
  public static final String HOME = "home";

  /** Paths no volume may be mounted on, or under. */
  static final Set<String> SYSTEM =
      Set.of(
          "/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32", "/proc", "/run",
          "/sbin", "/sys", "/usr", "/var", "/root");

  /** How an empty volume (or sub-path) gets its first files, and where later pulls come from. */
  public record Seed(Kind kind, String repo, String ref) {

    /** Nothing: the volume starts empty. */
    public static final Seed NONE = new Seed(Kind.NONE, "", "");

    /** What seeds a volume. */
    public enum Kind {
      NONE,
      /** The image's files at the mount point (its home, for a home). */
      IMAGE,
      /** A git repository at a ref; later launches pull new upstream files. */
      GIT
    }

    public Seed {
      repo = repo == null ? "" : repo.strip();
      ref = ref == null ? "" : ref.strip();
      if (kind == Kind.GIT && repo.isEmpty()) {
        throw new LaunchException.InvalidMount("Name the git repository that seeds the volume.");
      }
    }

    public static Seed git(String repo, String ref) {
      return new Seed(Kind.GIT, repo, ref == null || ref.isBlank() ? "HEAD" : ref);
    }
  }

  public MountSpec {
    target = checkTarget(target);
    volume = volume == null ? "" : volume.strip();
    if (volume.isEmpty()) {
      throw new LaunchException.InvalidMount("Choose a volume to mount at " + target + ".");
    }
    if (!volume.matches("([a-z][a-z0-9-]{0,39}/)?[a-z][a-z0-9-]{0,39}")) {
      throw new LaunchException.InvalidMount(
          "The volume '"
              + volume
              + "' is not a volume name (lowercase letters, digits and hyphens; another user's as"
              + " owner/name).");
    }
    subPath = checkSubPath(subPath == null ? "" : subPath.strip());
    seed = seed == null ? Seed.NONE : seed;
  }

  /** The whole volume at {@code target}, read-write, not seeded. */
  public static MountSpec of(String target, String volume) {
    return new MountSpec(target, volume, false, "", Seed.NONE);
  }

  /** The canonical text of this mount, for spec hashes. */
  String canonical() {
    return target
        + "|"
        + volume
        + "|"
        + (readOnly ? "ro" : "rw")
        + "|"
        + subPath
        + "|"
        + seed.kind()
        + "|"
        + seed.repo()
        + "|"
        + seed.ref();
  }

  /** In words, for the list of changes: "/data ← shared (read-only)". */
  public String describe() {
    return target
        + " ← "
        + volume
        + (subPath.isEmpty() ? "" : "/" + subPath)
        + (readOnly ? " (read-only)" : " (read-write)");
  }

  private static String checkTarget(String raw) {
    String t = raw == null ? "" : raw.strip();
    if (!t.startsWith("/")) {
      throw new LaunchException.InvalidMount(
          "A mount point is an absolute path inside the server, such as /home/jovyan/data.");
    }
    if (t.length() > 200
        || t.chars().anyMatch(c -> c < 0x20 || c == 0x7f || c == ':' || c == '\\')) {
      throw new LaunchException.InvalidMount(
          "The mount point " + t + " holds characters a mount point cannot have.");
    }
    while (t.length() > 1 && t.endsWith("/")) {
      t = t.substring(0, t.length() - 1);
    }
    for (String part : t.split("/")) {
      if (part.equals("..") || part.equals(".")) {
        throw new LaunchException.InvalidMount(
            "The mount point " + t + " cannot hold '.' or '..'.");
      }
    }
    if (t.contains("//")) {
      throw new LaunchException.InvalidMount("The mount point " + t + " has an empty part.");
    }
    if (t.equals("/")) {
      throw new LaunchException.InvalidMount("Nothing can be mounted over the whole file system.");
    }
    for (String system : SYSTEM) {
      if (t.equals(system) || t.startsWith(system + "/")) {
        throw new LaunchException.InvalidMount(
            "Nothing can be mounted on "
                + t
                + ": "
                + system
                + " belongs to the system. Mount under /home/jovyan or /srv instead.");
      }
    }
    return t;
  }

  private static String checkSubPath(String p) {
    if (p.startsWith("/") || p.contains("\\") || p.contains("//")) {
      throw new LaunchException.InvalidMount(
          "A sub-path is relative to the volume, such as {username}/work.");
    }
    if (p.chars().anyMatch(c -> c < 0x20 || c == 0x7f || c == ':')) {
      throw new LaunchException.InvalidMount(
          "The sub-path " + p + " holds characters it cannot have.");
    }
    for (String part : p.split("/")) {
      if (part.equals("..") || part.equals(".")) {
        throw new LaunchException.InvalidMount("A sub-path cannot hold '.' or '..'.");
      }
    }
    String withoutPlaceholders = p.replaceAll("\\{(username|server|course|session)}", "");
    if (withoutPlaceholders.contains("{") || withoutPlaceholders.contains("}")) {
      throw new LaunchException.InvalidMount(
          "A sub-path may use {username}, {server}, {course} and {session}, nothing else in braces.");
    }
    if (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }
}
