package org.berth.launch;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a server is made from and how it runs, with every default applied and every value checked:
 * where it came from ({@code source}, empty for a launch that named an image), the image, the
 * resources, whether culling is off, and the path it opens at. Immutable.
 *
 * <p>{@link #hash()} covers what the container is made from (image, memory, CPUs): two specs with
 * the same hash run in the same container. {@link #changesFrom} lists, in words, every setting that
 * differs from another spec, so that nothing ever changes without the owner seeing it.
 */
public record ServerSpec(
    Source source,
    String image,
    Resources resources,
    boolean cullingDisabled,
    String openPath,
    List<MountSpec> mounts,
    Map<String, String> context) {

  /**
   * The repository a server was built from: the repository as given, the ref as asked for and the
   * commit it resolved to. {@link #NONE} for a server launched from a named image.
   */
  public record Source(String repo, String ref, String commit) {

    public static final Source NONE = new Source("", "", "");

    public Source {
      repo = repo == null ? "" : repo;
      ref = ref == null ? "" : ref;
      commit = commit == null ? "" : commit;
    }

    public boolean isNone() {
      return repo.isEmpty();
    }
  }

  /**
   * A launch as a client asks for it. Every field may be null: resources take the configured
   * defaults, the image the configured default; {@code repo} and {@code ref} ask for an image built
   * from a repository.
   */
  public record Request(
      String image,
      String repo,
      String ref,
      String memory,
      Double cpus,
      String idleTimeout,
      String path,
      Boolean cullingDisabled,
      List<MountSpec> mounts,
      Map<String, String> context) {

    public Request {
      mounts = mounts == null ? List.of() : List.copyOf(mounts);
      context = context == null ? Map.of() : Map.copyOf(context);
    }

    /** A request without mounts of its own or context. */
    public Request(
        String image,
        String repo,
        String ref,
        String memory,
        Double cpus,
        String idleTimeout,
        String path,
        Boolean cullingDisabled) {
      this(image, repo, ref, memory, cpus, idleTimeout, path, cullingDisabled, List.of(), Map.of());
    }

    /** Nothing asked for: every default. */
    public static Request defaults() {
      return new Request(null, null, null, null, null, null, null, null);
    }

    /** The same request with these mounts. */
    public Request withMounts(List<MountSpec> newMounts) {
      return new Request(
          image, repo, ref, memory, cpus, idleTimeout, path, cullingDisabled, newMounts, context);
    }

    /** The same request with this course and session context. */
    public Request withContext(Map<String, String> newContext) {
      return new Request(
          image, repo, ref, memory, cpus, idleTimeout, path, cullingDisabled, mounts, newContext);
    }

    public boolean hasRepo() {
      return repo != null && !repo.isBlank();
    }

    /** The same request for a repository at a ref (a resolved commit, say). */
    public Request withRepo(String newRepo, String newRef) {
      return new Request(
          image,
          newRepo,
          newRef,
          memory,
          cpus,
          idleTimeout,
          path,
          cullingDisabled,
          mounts,
          context);
    }
  }

  public ServerSpec {
    source = source == null ? Source.NONE : source;
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(resources, "resources");
    openPath = openPath == null ? "" : openPath;
    mounts = mounts == null ? List.of() : List.copyOf(mounts);
    long targets = mounts.stream().map(MountSpec::target).distinct().count();
    if (targets != mounts.size()) {
      throw new LaunchException.InvalidMount("Two mounts cannot share one mount point.");
    }
    context = context == null ? Map.of() : Map.copyOf(context);
  }

  /** A spec without mounts of its own (the owner's home is still mounted) or context. */
  public ServerSpec(
      Source source, String image, Resources resources, boolean cullingDisabled, String openPath) {
    this(source, image, resources, cullingDisabled, openPath, List.of(), Map.of());
  }

  /**
   * The canonical hash of what the container is made from. The text hashed is kept as it was before
   * specs moved into this module, so that servers created earlier keep their hash.
   */
  public String hash() {
    StringBuilder canonical =
        new StringBuilder(
            image + "\n" + resources.memoryBytes() + "\n" + Double.toString(resources.cpus()));
    // Mounts and context were added later: they join the text only when present, so that the
    // hashes of servers stored before stay as they were.
    mounts.forEach(m -> canonical.append("\nmount ").append(m.canonical()));
    new java.util.TreeMap<>(context)
        .forEach((k, v) -> canonical.append("\ncontext ").append(k).append('=').append(v));
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of()
          .formatHex(sha.digest(canonical.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether a server of {@code old} must get a new container to become this spec. */
  public boolean needsNewContainer(ServerSpec old) {
    return !hash().equals(old.hash());
  }

  /**
   * Every setting that differs from {@code old}, in words ("memory: 1024 MiB → 512 MiB"), in a
   * fixed order. Empty when nothing a user set differs. The path to open is where a launch opens,
   * not a setting of the server, and is not listed.
   */
  public List<String> changesFrom(ServerSpec old) {
    List<String> changes = new ArrayList<>();
    if (!old.source.repo().equals(source.repo())) {
      changes.add("repository: " + orNone(old.source.repo()) + " → " + orNone(source.repo()));
    } else if (!old.source.commit().equals(source.commit())) {
      changes.add(
          "commit: " + shortCommit(old.source.commit()) + " → " + shortCommit(source.commit()));
    }
    if (!old.image.equals(image)) {
      changes.add("image: " + old.image + " → " + image);
    }
    if (old.resources.memoryBytes() != resources.memoryBytes()) {
      changes.add(
          "memory: "
              + (old.resources.memoryBytes() >> 20)
              + " MiB → "
              + (resources.memoryBytes() >> 20)
              + " MiB");
    }
    if (old.resources.cpus() != resources.cpus()) {
      changes.add("CPUs: " + old.resources.cpus() + " → " + resources.cpus());
    }
    if (!old.resources.idleTimeout().equals(resources.idleTimeout())) {
      changes.add(
          "idle timeout: "
              + words(old.resources.idleTimeout())
              + " → "
              + words(resources.idleTimeout()));
    }
    for (MountSpec m : old.mounts) {
      if (!mounts.contains(m)) {
        changes.add("mount removed: " + m.describe());
      }
    }
    for (MountSpec m : mounts) {
      if (!old.mounts.contains(m)) {
        changes.add("mount added: " + m.describe());
      }
    }
    if (!old.context.equals(context)) {
      changes.add("course and session: " + old.context + " → " + context);
    }
    if (old.cullingDisabled != cullingDisabled) {
      changes.add(
          "stop when idle: "
              + (old.cullingDisabled ? "no" : "yes")
              + " → "
              + (cullingDisabled ? "no" : "yes"));
    }
    return changes;
  }

  /** The same spec opening at another path. */
  public ServerSpec withOpenPath(String path) {
    return new ServerSpec(source, image, resources, cullingDisabled, path, mounts, context);
  }

  /** The same spec built from another source. */
  public ServerSpec withSource(Source newSource) {
    return new ServerSpec(newSource, image, resources, cullingDisabled, openPath, mounts, context);
  }

  /** A duration as people write it: {@code 90s}, {@code 30m}, {@code 2h}, {@code 1d}. */
  public static String words(Duration d) {
    long s = d.toSeconds();
    if (s == 0) {
      return "none";
    }
    if (s % 86400 == 0) {
      return s / 86400 + "d";
    }
    if (s % 3600 == 0) {
      return s / 3600 + "h";
    }
    if (s % 60 == 0) {
      return s / 60 + "m";
    }
    return s + "s";
  }

  private static String orNone(String s) {
    return s.isEmpty() ? "(an image)" : s;
  }

  private static String shortCommit(String commit) {
    return commit.length() > 12 ? commit.substring(0, 12) : commit.isEmpty() ? "(none)" : commit;
  }
}
