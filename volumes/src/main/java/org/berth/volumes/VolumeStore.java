package org.berth.volumes;

import java.util.List;
import java.util.Optional;
import org.berth.launch.UserName;

/**
 * Where volumes and the sub-paths resolved for them are kept: {@link InMemoryVolumeStore} in tests,
 * the portal's database in Berth. Thread-safe; each call is atomic on its own.
 */
public interface VolumeStore {

  Volume insert(Volume volume);

  /** Replaces the volume with the same id (its members, say). */
  Volume update(Volume volume);

  void delete(Volume volume);

  Optional<Volume> find(UserName owner, String name);

  /** Every volume, of every owner. */
  List<Volume> listAll();

  /** The owner's volumes, by name; empty when there are none. */
  List<Volume> listOwned(UserName owner);

  /**
   * The sub-path resolved for a mount when it was first made, so that later changes to the template
   * or to the escaping rule never move a user's data.
   */
  Optional<String> resolvedPath(PathKey key);

  /** Records the sub-path resolved for a mount; a second record for the same key is ignored. */
  void recordPath(PathKey key, String resolved);

  /**
   * The image whose home files were last brought into a home volume for a server; empty before the
   * first time.
   */
  Optional<String> syncedImage(PathKey key);

  /** Records the image whose home files a home volume now holds for a server. */
  void recordSyncedImage(PathKey key, String image);

  /** Whether the image's home files were brought into the volume before, for any server. */
  boolean hasSyncedImage(String volumeId, String image);

  /**
   * Which mount a resolved sub-path belongs to: a volume, the server's owner and name, a target.
   */
  record PathKey(String volumeId, String owner, String server, String target) {}
}
