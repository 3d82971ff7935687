package org.berth.volumes;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.berth.launch.LaunchEvent;
import org.berth.launch.LaunchException;
import org.berth.launch.Mount;
import org.berth.launch.MountPlanner;
import org.berth.launch.MountSpec;
import org.berth.launch.Principal;
import org.berth.launch.Server;
import org.berth.launch.ServerName;
import org.berth.launch.ServerSpec;
import org.berth.launch.ServerState;
import org.berth.launch.UserName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The volumes a server mounts: the owner's personal home at the image's home (unless the spec
 * mounts something else there; servers made before personal homes keep the home of their own), and
 * every mount of the spec, checked against the volume's members at every launch, so that a member
 * who left a group, or was removed, is refused at their next launch. Templated sub-paths are
 * resolved once and kept. Seeds fill an empty volume, and git seeds are pulled at each launch
 * without losing the user's work ({@link PullMerge}). Thread-safe.
 */
public final class VolumeMounts implements MountPlanner {

  private static final Logger LOG = LoggerFactory.getLogger(VolumeMounts.class);

  /** Where the Jupyter images keep the notebook user's home. */
  public static final String HOME_TARGET = "/home/jovyan";

  /** Where, inside a pulled volume, the last upstream files are kept (the merge base). */
  static final String BASE = ".berth/pulled";

  private final Volumes volumes;
  private final SeedSource seeds;
  private final Set<String> homesMadeBy = ConcurrentHashMap.newKeySet();

  public VolumeMounts(Volumes volumes, SeedSource seeds) {
    this.volumes = volumes;
    this.seeds = seeds;
  }

  /** The home volume of a server made before personal homes existed. */
  public static String legacyHome(String serverId) {
    return "berth-home-" + serverId;
  }

  @Override
  public void check(Principal owner, ServerName name, ServerSpec spec) {
    for (MountSpec m : spec.mounts()) {
      Volume v = volumeFor(owner, m);
      if (!m.subPath().isEmpty()) {
        SubPaths.resolve(m.subPath(), values(owner.name(), name, spec));
      }
      if (m.seed().kind() == MountSpec.Seed.Kind.IMAGE && !m.subPath().isEmpty() && m.readOnly()) {
        throw new LaunchException.InvalidMount(
            "A read-only mount cannot be seeded: " + m.describe() + ".");
      }
      LOG.debug("{} may mount {} as asked", owner.username(), v.reference());
    }
  }

  @Override
  public List<Mount> mountsFor(Principal owner, Server server, Consumer<LaunchEvent> events) {
    List<Mount> out = new ArrayList<>();
    ServerSpec spec = server.spec();
    if (spec.mounts().stream().noneMatch(m -> m.target().equals(HOME_TARGET))) {
      String legacy = legacyHome(server.serverId());
      if (volumes.backend().exists(legacy)) {
        VolumeStore.PathKey key = homeKey("legacy-" + server.serverId(), server);
        if (volumes.store().syncedImage(key).isEmpty()) {
          volumes.store().recordSyncedImage(key, spec.image()); // as it was: no sync before now
        }
        syncHome(legacy, key, server, events);
        out.add(Mount.of(HOME_TARGET, legacy));
      } else {
        boolean isNew = volumes.store().find(server.owner(), Volume.HOME_NAME).isEmpty();
        Volume home = volumes.home(server.owner());
        VolumeStore.PathKey key = homeKey(home.id(), server);
        if (isNew) {
          homesMadeBy.add(server.serverId());
          // An empty volume gets the image's home from the engine itself at the first mount.
          volumes.store().recordSyncedImage(key, spec.image());
        }
        syncHome(home.source(), key, server, events);
        out.add(Mount.of(HOME_TARGET, home.source()));
      }
    }
    for (MountSpec m : spec.mounts()) {
      Volume v = volumeFor(owner, m);
      String sub = "";
      if (!m.subPath().isEmpty()) {
        VolumeStore.PathKey key =
            new VolumeStore.PathKey(
                v.id(), server.owner().value(), server.name().value(), m.target());
        sub =
            volumes
                .store()
                .resolvedPath(key)
                .orElseGet(
                    () -> {
                      String resolved =
                          SubPaths.resolve(
                              m.subPath(), values(server.owner(), server.name(), spec));
                      volumes.store().recordPath(key, resolved);
                      return volumes.store().resolvedPath(key).orElse(resolved);
                    });
      }
      seed(v, sub, m, spec, events);
      out.add(new Mount(m.target(), v.source(), sub, m.readOnly()));
    }
    return out;
  }

  @Override
  public void deleted(Server server, boolean deleteData) {
    homesMadeBy.remove(server.serverId());
    if (!deleteData) {
      return;
    }
    String legacy = legacyHome(server.serverId());
    if (volumes.backend().exists(legacy)) {
      volumes.backend().delete(legacy);
      return;
    }
    if (server.spec().mounts().stream().anyMatch(m -> m.target().equals(HOME_TARGET))) {
      return; // it mounted something else as its home: shared volumes are never deleted here
    }
    volumes
        .store()
        .find(server.owner(), Volume.HOME_NAME)
        .ifPresent(
            home -> {
              List<String> others =
                  volumes.usedBy(home).stream()
                      .filter(ref -> !ref.equals(server.owner() + "/" + server.name()))
                      .toList();
              if (others.isEmpty()) {
                volumes.backend().delete(home.source());
                volumes.store().delete(home);
              }
            });
  }

  @Override
  public List<String> dataOf(Server server) {
    if (volumes.backend().exists(legacyHome(server.serverId()))) {
      return List.of("its own home folder (/home/jovyan) and every file in it");
    }
    if (server.spec().mounts().stream().anyMatch(m -> m.target().equals(HOME_TARGET))) {
      return List.of();
    }
    return volumes
        .store()
        .find(server.owner(), Volume.HOME_NAME)
        .filter(
            home ->
                volumes.usedBy(home).stream()
                    .allMatch(ref -> ref.equals(server.owner() + "/" + server.name())))
        .map(home -> List.of("your home folder (/home/jovyan) and every file in it"))
        .orElse(List.of());
  }

  @Override
  public void discarded(Server server) {
    if (homesMadeBy.remove(server.serverId())) {
      // The personal home was made for this failed first launch only: nothing is in it yet.
      volumes
          .store()
          .find(server.owner(), Volume.HOME_NAME)
          .ifPresent(
              home -> {
                boolean usedElsewhere =
                    volumes.usedBy(home).stream()
                        .anyMatch(ref -> !ref.equals(server.owner() + "/" + server.name()));
                if (!usedElsewhere) {
                  volumes.backend().delete(home.source());
                  volumes.store().delete(home);
                }
              });
    }
    volumes.backend().delete(legacyHome(server.serverId()));
  }

  private static VolumeStore.PathKey homeKey(String volumeId, Server server) {
    return new VolumeStore.PathKey(
        volumeId, server.owner().value(), server.name().value(), HOME_TARGET);
  }

  /**
   * Brings the image's home files into a home volume when the server's image changed since they
   * were last brought in (a new commit, say), by the pull rules: the user's edits are kept, files
   * the user deleted come back, clashing files are renamed, and what was not applied is told. The
   * previous image's files are the merge base; a home that never had this server's files gets them
   * with no base (clashes renamed). An image whose files the home got before, through another
   * server, brings nothing again: what the user did with those files since stands.
   */
  private void syncHome(
      String source, VolumeStore.PathKey key, Server server, Consumer<LaunchEvent> events) {
    String image = server.spec().image();
    java.util.Optional<String> last = volumes.store().syncedImage(key);
    if (last.isPresent() && last.get().equals(image)) {
      return;
    }
    if (volumes.store().hasSyncedImage(key.volumeId(), image)) {
      // Another server brought this image's files in already: what the user did with them since
      // (deleted, changed) stands, and the launch reads nothing.
      volumes.store().recordSyncedImage(key, image);
      return;
    }
    VolumeBackend backend = volumes.backend();
    Map<String, byte[]> upstream;
    try {
      upstream = withoutDotfiles(backend.imageFiles(image, HOME_TARGET));
    } catch (VolumeException.Backend e) {
      LOG.info("No files of {} to bring into a home: {}", image, e.getMessage());
      return; // the launcher says why the image cannot run
    }
    long bytes = upstream.values().stream().mapToLong(b -> b.length).sum();
    if (bytes > volumes.settings().maxPullBytes()) {
      events.accept(
          notice(
              "The repository's files were not copied into your home: they hold "
                  + (bytes >> 20)
                  + " MiB, more than a pull may bring. Your home is as you left it.",
              List.of()));
      volumes.store().recordSyncedImage(key, image);
      return;
    }
    Map<String, byte[]> base = Map.of();
    if (last.isPresent()) {
      try {
        base = withoutDotfiles(backend.imageFiles(last.get(), HOME_TARGET));
      } catch (RuntimeException e) {
        LOG.info("The image {} is gone; merging {} without a base", last.get(), source);
      }
    }
    java.util.Set<String> paths = new java.util.HashSet<>(upstream.keySet());
    paths.addAll(base.keySet());
    Map<String, byte[]> current = backend.read(source, "", paths::contains);
    PullMerge.Plan plan = PullMerge.plan(base, current, upstream);
    backend.write(source, "", plan.writes());
    volumes.store().recordSyncedImage(key, image);
    if (!plan.writes().isEmpty() || !plan.notApplied().isEmpty()) {
      events.accept(
          notice(
              "Brought the new files of "
                  + server.name()
                  + "'s image into your home: "
                  + plan.applied()
                  + " file(s) updated"
                  + (plan.notApplied().isEmpty()
                      ? "."
                      : "; " + plan.notApplied().size() + " change(s) not applied as is:"),
              plan.notApplied()));
    }
  }

  /** The image's own dotfiles (shell and Jupyter settings) are the user's to change. */
  private static Map<String, byte[]> withoutDotfiles(Map<String, byte[]> files) {
    Map<String, byte[]> out = new HashMap<>();
    files.forEach(
        (path, data) -> {
          if (!path.startsWith(".") && !path.contains("/.")) {
            out.put(path, data);
          }
        });
    return out;
  }

  @Override
  public List<Mount> readOnlyMounts(Server server) {
    List<Mount> out = new ArrayList<>();
    for (MountSpec m : server.spec().mounts()) {
      if (m.target().equals(HOME_TARGET)) {
        continue; // the owner's home is theirs alone
      }
      String reference = m.volume().contains("/") ? m.volume() : server.owner() + "/" + m.volume();
      int slash = reference.indexOf('/');
      java.util.Optional<Volume> v =
          reference.substring(slash + 1).equals(Volume.HOME_NAME)
              ? java.util.Optional.empty()
              : volumes
                  .store()
                  .find(
                      new UserName(reference.substring(0, slash)), reference.substring(slash + 1));
      if (v.isEmpty()) {
        continue;
      }
      String sub = "";
      if (!m.subPath().isEmpty()) {
        java.util.Optional<String> stored =
            volumes
                .store()
                .resolvedPath(
                    new VolumeStore.PathKey(
                        v.get().id(), server.owner().value(), server.name().value(), m.target()));
        if (stored.isEmpty()) {
          continue; // never mounted by its owner: nothing to show
        }
        sub = stored.get();
      }
      out.add(new Mount(m.target(), v.get().source(), sub, true));
    }
    return out;
  }

  /** The volume a mount names, if the owner may mount it that way. */
  private Volume volumeFor(Principal owner, MountSpec m) {
    Volume v;
    try {
      v = volumes.find(owner, m.volume());
    } catch (VolumeException.NotFound e) {
      throw new LaunchException.MountForbidden(
          "You cannot mount the volume "
              + m.volume()
              + ": it does not exist or is not shared with you.");
    }
    Access access = v.accessOf(owner).orElseThrow();
    if (!m.readOnly() && access != Access.READ_WRITE) {
      throw new LaunchException.MountForbidden(
          "The volume "
              + v.reference()
              + " is shared with you read-only; mount it read-only at "
              + m.target()
              + ".");
    }
    return v;
  }

  private void seed(
      Volume v, String sub, MountSpec m, ServerSpec spec, Consumer<LaunchEvent> events) {
    MountSpec.Seed seed = m.seed();
    if (seed.kind() == MountSpec.Seed.Kind.NONE) {
      return;
    }
    VolumeBackend backend = volumes.backend();
    if (seed.kind() == MountSpec.Seed.Kind.IMAGE) {
      if (sub.isEmpty()) {
        return; // the back end copies the image's files into an empty volume mounted whole
      }
      if (backend.read(v.source(), sub).isEmpty()) {
        backend.write(v.source(), sub, backend.imageFiles(spec.image(), HOME_TARGET));
        events.accept(notice("Seeded " + m.target() + " from the image's home.", List.of()));
      }
      return;
    }
    SeedSource.Snapshot upstream = seeds.files(seed.repo(), seed.ref());
    long bytes = upstream.files().values().stream().mapToLong(b -> b.length).sum();
    if (bytes > volumes.settings().maxPullBytes()) {
      throw new LaunchException.InvalidMount(
          "The repository "
              + seed.repo()
              + " holds "
              + (bytes >> 20)
              + " MiB, more than a volume may be seeded with.");
    }
    Map<String, byte[]> all = backend.read(v.source(), sub);
    Map<String, byte[]> base = new HashMap<>();
    Map<String, byte[]> current = new HashMap<>();
    all.forEach(
        (path, data) -> {
          if (path.startsWith(BASE + "/")) {
            base.put(path.substring(BASE.length() + 1), data);
          } else if (!path.startsWith(".berth/")) {
            current.put(path, data);
          }
        });
    if (m.readOnly() && !current.isEmpty()) {
      return; // readers see what the owner pulled; they never write
    }
    PullMerge.Plan plan = PullMerge.plan(base, current, upstream.files());
    Map<String, byte[]> writes = new HashMap<>(plan.writes());
    upstream.files().forEach((path, data) -> writes.put(BASE + "/" + path, data));
    backend.write(v.source(), sub, writes);
    String commit =
        upstream.commit().length() > 12 ? upstream.commit().substring(0, 12) : upstream.commit();
    events.accept(
        notice(
            "Pulled "
                + seed.repo()
                + " at "
                + commit
                + " into "
                + m.target()
                + ": "
                + plan.applied()
                + " file(s) updated"
                + (plan.notApplied().isEmpty()
                    ? "."
                    : "; " + plan.notApplied().size() + " upstream change(s) not applied as is:"),
            plan.notApplied()));
  }

  private static LaunchEvent notice(String message, List<String> details) {
    return new LaunchEvent.Notice(message, details);
  }

  private static Map<String, String> values(UserName owner, ServerName name, ServerSpec spec) {
    Map<String, String> values = new HashMap<>(spec.context());
    values.put("username", owner.value());
    values.put("server", name.value());
    return values;
  }

  /** Whether a server is running, for messages. */
  static boolean running(Server s) {
    return s.state() == ServerState.RUNNING;
  }
}
