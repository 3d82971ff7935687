package org.berth.volumes;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.berth.launch.MountSpec;
import org.berth.launch.Principal;
import org.berth.launch.Server;
import org.berth.launch.ServerStore;
import org.berth.launch.UserName;

/**
 * The front door of the volumes domain: a user's volumes (a personal home, and volumes they create
 * and share with users and groups, read-only or read-write), and the volumes shared with them.
 *
 * <p>Who sees what: a volume is visible to its owner and its members only; to anyone else it does
 * not exist. Only the owner changes members or deletes; a volume that a server mounts is never
 * deleted. Thread-safe.
 */
public final class Volumes {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final VolumeStore store;
  private final VolumeBackend backend;
  private final ServerStore servers;
  private final VolumeSettings settings;
  private final Clock clock;
  private final ConcurrentMap<UserName, Object> homeLocks = new ConcurrentHashMap<>();

  public Volumes(
      VolumeStore store,
      VolumeBackend backend,
      ServerStore servers,
      VolumeSettings settings,
      Clock clock) {
    this.store = store;
    this.backend = backend;
    this.servers = servers;
    this.settings = settings;
    this.clock = clock;
  }

  /**
   * The back end's name of a new personal home. It names this Berth's instance, so that two Berths
   * sharing one engine never share a user's home; once made, the name is kept in the volume's
   * record and never computed again.
   */
  String homeSource(UserName owner) {
    return "berth-" + settings.instance() + "-home-" + owner.value();
  }

  /**
   * Creates a volume owned by the caller.
   *
   * @throws VolumeException.Exists when the caller has a volume of that name
   * @throws VolumeException.QuotaExceeded when the caller has as many volumes, or as much data, as
   *     allowed
   */
  public Volume create(Principal owner, String name) {
    Volume.checkName(name);
    if (name.equals(Volume.HOME_NAME)) {
      throw new VolumeException.Invalid("'home' is your personal home's name; choose another.");
    }
    List<Volume> owned = store.listOwned(owner.name());
    if (owned.stream().anyMatch(v -> v.name().equals(name))) {
      throw new VolumeException.Exists(name);
    }
    long shared = owned.stream().filter(v -> v.kind() == Volume.Kind.SHARED).count();
    if (shared + 1 >= settings.maxVolumesPerUser()) {
      throw new VolumeException.QuotaExceeded(
          "You have "
              + shared
              + " volumes besides your home, the most allowed. Delete one you no longer need.");
    }
    if (settings.quotaBytes() > 0) {
      long used = bytesOf(owned);
      if (used >= settings.quotaBytes()) {
        throw new VolumeException.QuotaExceeded(
            "Your volumes hold "
                + mib(used)
                + " MiB, your quota is "
                + mib(settings.quotaBytes())
                + " MiB. Delete files or volumes before creating another.");
      }
    }
    String id = newId();
    Volume volume =
        new Volume(
            id,
            owner.name(),
            name,
            Volume.Kind.SHARED,
            "berth-vol-" + id,
            List.of(),
            clock.instant());
    backend.create(volume.source(), labels(volume));
    try {
      return store.insert(volume);
    } catch (RuntimeException e) {
      backend.delete(volume.source());
      throw e;
    }
  }

  /**
   * What a user's volumes use of their allowance.
   *
   * @param bytes the data all their volumes hold, as far as the back end has measured it
   * @param quotaBytes the most before new volumes are refused; 0: no limit
   * @param volumes the volumes they own, their home included
   * @param maxVolumes the most they may own
   */
  public record Usage(long bytes, long quotaBytes, int volumes, int maxVolumes) {}

  /** What the caller's own volumes use of their quota. */
  public Usage usage(Principal owner) {
    List<Volume> owned = store.listOwned(owner.name());
    return new Usage(
        bytesOf(owned), settings.quotaBytes(), owned.size(), settings.maxVolumesPerUser());
  }

  private long bytesOf(List<Volume> volumes) {
    long used = 0;
    for (Volume v : volumes) {
      used += backend.usage(v.source()).orElse(0);
    }
    return used;
  }

  /**
   * The user's personal home, made (record and back-end volume) the first time it is asked for.
   * Launches of one user wait for each other here; other users' launches do not.
   */
  public Volume home(UserName owner) {
    synchronized (homeLocks.computeIfAbsent(owner, o -> new Object())) {
      return makeHome(owner);
    }
  }

  private Volume makeHome(UserName owner) {
    Volume home =
        store
            .find(owner, Volume.HOME_NAME)
            .orElseGet(
                () ->
                    store.insert(
                        new Volume(
                            newId(),
                            owner,
                            Volume.HOME_NAME,
                            Volume.Kind.HOME,
                            homeSource(owner),
                            List.of(),
                            clock.instant())));
    backend.createHome(home.source(), labels(home));
    return home;
  }

  /** The volumes the caller owns, then those shared with them; empty when there are none. */
  public List<VolumeInfo> list(Principal p) {
    List<VolumeInfo> out = new ArrayList<>();
    for (Volume v : store.listAll()) {
      Optional<Access> access = v.accessOf(p);
      if (access.isPresent()) {
        out.add(info(v, access.get()));
      }
    }
    out.sort(
        (a, b) -> {
          boolean ao = a.volume().isOwner(p);
          boolean bo = b.volume().isOwner(p);
          return ao != bo
              ? (ao ? -1 : 1)
              : a.volume().reference().compareTo(b.volume().reference());
        });
    return out;
  }

  /** One volume the caller may see: {@code name} (their own) or {@code owner/name}. */
  public VolumeInfo get(Principal p, String reference) {
    Volume v = find(p, reference);
    return info(v, v.accessOf(p).orElseThrow());
  }

  /**
   * One of the caller's own volumes, for what only its owner may do (its deletion page).
   *
   * @throws VolumeException.Forbidden when the caller is a member, not the owner
   */
  public VolumeInfo getOwned(Principal owner, String name) {
    Volume v = owned(owner, name);
    return info(v, Access.READ_WRITE);
  }

  /** Adds or changes a member; only the owner may, and a home is never shared. */
  public Volume share(Principal owner, String name, Member member) {
    Volume v = owned(owner, name);
    if (v.kind() == Volume.Kind.HOME) {
      throw new VolumeException.Forbidden(
          "Your home is yours alone. Create a volume to share files with others.");
    }
    if (member.grantee().type() == Grantee.Type.USER
        && member.grantee().name().equals(owner.username())) {
      throw new VolumeException.Invalid("You own this volume already.");
    }
    List<Member> members = new ArrayList<>();
    for (Member m : v.members()) {
      if (!m.grantee().equals(member.grantee())) {
        members.add(m);
      }
    }
    members.add(member);
    return store.update(v.withMembers(members));
  }

  /** Removes a member; the next launch of their servers no longer mounts the volume. */
  public Volume unshare(Principal owner, String name, Grantee grantee) {
    Volume v = owned(owner, name);
    List<Member> members = v.members().stream().filter(m -> !m.grantee().equals(grantee)).toList();
    if (members.size() == v.members().size()) {
      throw new VolumeException.Invalid(grantee + " is not a member of " + name + ".");
    }
    return store.update(v.withMembers(members));
  }

  /**
   * Deletes the volume and its data for good.
   *
   * @throws VolumeException.InUse when a server mounts it, naming them
   */
  public void delete(Principal owner, String name) {
    Volume v = owned(owner, name);
    List<String> users = usedBy(v);
    if (!users.isEmpty()) {
      throw new VolumeException.InUse(
          "The volume "
              + name
              + " is mounted by "
              + String.join(", ", users)
              + ". Delete those servers, or remove the mount from them, first.");
    }
    backend.delete(v.source());
    store.delete(v);
  }

  /** The servers ({@code owner/name}) whose spec mounts the volume, or whose home it is. */
  public List<String> usedBy(Volume v) {
    List<String> out = new ArrayList<>();
    for (Server s : servers.listAll()) {
      if (mounts(s, v)) {
        out.add(s.owner().value() + "/" + s.name().value());
      }
    }
    return out;
  }

  /** Whether the server mounts the volume. */
  boolean mounts(Server s, Volume v) {
    for (MountSpec m : s.spec().mounts()) {
      if (refersTo(m.volume(), s.owner(), v)) {
        return true;
      }
    }
    return v.kind() == Volume.Kind.HOME
        && s.owner().equals(v.owner())
        && s.spec().mounts().stream().noneMatch(m -> m.target().equals(VolumeMounts.HOME_TARGET))
        && !backend.exists(VolumeMounts.legacyHome(s.serverId()));
  }

  /**
   * The volume a reference names for a user: {@code home}, one of their own by name, or {@code
   * owner/name}.
   *
   * @throws VolumeException.NotFound when there is none the user may see
   */
  Volume find(Principal p, String reference) {
    String ref = reference == null ? "" : reference.strip();
    UserName owner = p.name();
    String name = ref;
    int slash = ref.indexOf('/');
    if (slash > 0) {
      try {
        owner = UserName.parse(ref.substring(0, slash));
      } catch (RuntimeException e) {
        throw new VolumeException.NotFound(ref);
      }
      name = ref.substring(slash + 1);
    }
    if (owner.equals(p.name()) && name.equals(Volume.HOME_NAME)) {
      return home(owner);
    }
    Optional<Volume> v = store.find(owner, name);
    if (v.isEmpty() || v.get().accessOf(p).isEmpty()) {
      throw new VolumeException.NotFound(ref);
    }
    return v.get();
  }

  /** Whether a mount's reference, written for a server of {@code serverOwner}, names {@code v}. */
  static boolean refersTo(String reference, UserName serverOwner, Volume v) {
    int slash = reference.indexOf('/');
    String owner = slash > 0 ? reference.substring(0, slash) : serverOwner.value();
    String name = slash > 0 ? reference.substring(slash + 1) : reference;
    return v.owner().value().equals(owner) && v.name().equals(name);
  }

  private Volume owned(Principal owner, String name) {
    Volume v = find(owner, name);
    if (!v.isOwner(owner)) {
      throw new VolumeException.Forbidden(
          "Only " + v.owner() + ", who owns " + v.reference() + ", may change or delete it.");
    }
    return v;
  }

  private VolumeInfo info(Volume v, Access access) {
    OptionalLong usage;
    try {
      usage = backend.usage(v.source());
    } catch (RuntimeException e) {
      usage = OptionalLong.empty();
    }
    return new VolumeInfo(v, access, usage, usedBy(v));
  }

  Map<String, String> labels(Volume v) {
    return Map.of(
        "org.berth.managed", "true",
        "org.berth.instance", settings.instance(),
        "org.berth.owner", v.owner().value(),
        "org.berth.volume", v.name());
  }

  VolumeStore store() {
    return store;
  }

  VolumeBackend backend() {
    return backend;
  }

  VolumeSettings settings() {
    return settings;
  }

  private static String newId() {
    byte[] bytes = new byte[8];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static long mib(long bytes) {
    return bytes >> 20;
  }
}
