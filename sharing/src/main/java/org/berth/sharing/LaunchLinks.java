package org.berth.sharing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.List;
import org.berth.launch.MountSpec;
import org.berth.launch.ServerName;

/**
 * Launch links and the security confirmation: full-spec links (a saved spec behind an unguessable
 * id, which nothing in a URL can change), and whether a launch may start or must first show its
 * confirmation. "Don't ask again" is remembered per user for one set of permissions ({@link
 * Confirmation#permissionsHash()}), so that any new mount, writable mode, credentials or
 * collaborator asks again. Thread-safe.
 */
public final class LaunchLinks {

  /**
   * What a launch asks for, as far as its confirmation is concerned. {@code credentialsConfirmed}:
   * the owner already said yes to handing their token over on the credentials' own page, so
   * credentials alone ask nothing more (they still count in the permissions).
   */
  public record Asked(
      boolean fromLink,
      String repo,
      String ref,
      List<MountSpec> mounts,
      boolean credentials,
      boolean credentialsConfirmed,
      List<String> collaborators,
      boolean publicAccess) {

    public Asked {
      repo = repo == null ? "" : repo;
      ref = ref == null || ref.isBlank() ? "HEAD" : ref;
      mounts = mounts == null ? List.of() : List.copyOf(mounts);
      collaborators = collaborators == null ? List.of() : List.copyOf(collaborators);
    }

    /** A launch whose credentials, if any, were not confirmed elsewhere. */
    public Asked(
        boolean fromLink,
        String repo,
        String ref,
        List<MountSpec> mounts,
        boolean credentials,
        List<String> collaborators,
        boolean publicAccess) {
      this(fromLink, repo, ref, mounts, credentials, false, collaborators, publicAccess);
    }

    /** The confirmation that describes this launch. */
    public Confirmation confirmation() {
      return Confirmation.of(repo, ref, mounts, credentials, collaborators, publicAccess);
    }

    /** Whether this launch shows its confirmation at all (unless trusted or just confirmed). */
    public boolean needsConfirmation() {
      return Confirmation.needed(
          fromLink, mounts, credentials && !credentialsConfirmed, collaborators);
    }
  }

  /** What a launch does next. */
  public enum Verdict {
    /** Nothing to confirm, confirmed just now with these very permissions, or trusted before. */
    LAUNCH,
    /** Show the confirmation; nothing starts. */
    CONFIRM
  }

  /** A spec to save behind a full-spec link; the fields a launch form has, and mounts. */
  public record Draft(
      String repo,
      String ref,
      String serverName,
      String memory,
      Double cpus,
      String idleTimeout,
      String path,
      List<MountSpec> mounts) {

    public Draft {
      mounts = mounts == null ? List.of() : List.copyOf(mounts);
    }
  }

  private static final String ID_SHAPE = "[A-Za-z0-9_-]{16,40}";

  private final ShareStore store;
  private final Clock clock;

  public LaunchLinks(ShareStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /**
   * Whether a launch may start now. It may when it needs no confirmation; when the confirmation
   * just posted names exactly the permissions this launch asks for (recomputed here, so a page from
   * before a change asks again); or when the user said "don't ask again" for these permissions.
   * With {@code dontAskAgain} on a confirmed launch, that is remembered.
   *
   * @param postedHash the permissions hash the confirmation page carried, or null
   */
  public Verdict check(String username, Asked asked, String postedHash, boolean dontAskAgain) {
    if (!asked.needsConfirmation()) {
      return Verdict.LAUNCH;
    }
    String hash = asked.confirmation().permissionsHash();
    if (postedHash != null && same(hash, postedHash)) {
      if (dontAskAgain) {
        store.trust(username, hash);
      }
      return Verdict.LAUNCH;
    }
    return store.trusted(username, hash) ? Verdict.LAUNCH : Verdict.CONFIRM;
  }

  /** Whether the user said "don't ask again" for exactly these permissions. */
  public boolean trusted(String username, Asked asked) {
    return store.trusted(username, asked.confirmation().permissionsHash());
  }

  /**
   * Saves a spec behind a new unguessable id. The creator's own volumes are named with their owner
   * ({@code data} becomes {@code alice/data}), so that whoever follows the link asks for the same
   * volumes (and the volumes module decides whether they may mount them); {@code home} stays the
   * follower's own home.
   *
   * @throws SharingException.Invalid when there is no repository or the server name is not valid
   */
  public SavedLink save(String creator, Draft draft) {
    if (draft.repo() == null || draft.repo().isBlank()) {
      throw new SharingException.Invalid("A launch link needs a repository.");
    }
    String name;
    try {
      name = new ServerName(draft.serverName() == null ? "" : draft.serverName().strip()).value();
    } catch (RuntimeException e) {
      throw new SharingException.Invalid(e.getMessage());
    }
    List<SavedLink.MountLine> mounts =
        draft.mounts().stream()
            .map(
                m ->
                    new SavedLink.MountLine(
                        m.target(), qualified(creator, m.volume()), m.readOnly(), m.subPath()))
            .toList();
    SavedLink link =
        new SavedLink(
            Secrets.random(18),
            creator,
            draft.repo().strip(),
            draft.ref() == null || draft.ref().isBlank() ? "HEAD" : draft.ref().strip(),
            name,
            blankToNull(draft.memory()),
            draft.cpus(),
            blankToNull(draft.idleTimeout()),
            draft.path() == null ? "" : draft.path().strip(),
            mounts,
            clock.instant());
    return store.saveLink(link);
  }

  /**
   * The saved spec behind a full-spec link.
   *
   * @throws SharingException.NotFound when no link has this id (mistyped, cut short or tampered)
   */
  public SavedLink find(String id) {
    if (id == null || !id.matches(ID_SHAPE)) {
      throw notFound();
    }
    return store.link(id).orElseThrow(LaunchLinks::notFound);
  }

  private static SharingException notFound() {
    return new SharingException.NotFound(
        "This launch link does not lead anywhere. Check that it was copied whole, or ask whoever"
            + " sent it for a new one.");
  }

  private static String qualified(String creator, String volume) {
    if (volume.equals(MountSpec.HOME) || volume.contains("/")) {
      return volume;
    }
    return creator + "/" + volume;
  }

  private static boolean same(String a, String b) {
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
