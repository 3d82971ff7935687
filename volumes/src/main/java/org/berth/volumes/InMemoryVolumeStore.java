package org.berth.volumes;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.berth.launch.UserName;

/** A {@link VolumeStore} in memory, for tests. */
public final class InMemoryVolumeStore implements VolumeStore {

  private final Map<String, Volume> byId = new ConcurrentHashMap<>();
  private final Map<PathKey, String> paths = new ConcurrentHashMap<>();
  private final Map<PathKey, String> synced = new ConcurrentHashMap<>();

  @Override
  public synchronized Volume insert(Volume volume) {
    if (find(volume.owner(), volume.name()).isPresent()) {
      throw new VolumeException.Exists(volume.name());
    }
    byId.put(volume.id(), volume);
    return volume;
  }

  @Override
  public Volume update(Volume volume) {
    byId.put(volume.id(), volume);
    return volume;
  }

  @Override
  public void delete(Volume volume) {
    byId.remove(volume.id());
  }

  @Override
  public Optional<Volume> find(UserName owner, String name) {
    return byId.values().stream()
        .filter(v -> v.owner().equals(owner) && v.name().equals(name))
        .findFirst();
  }

  @Override
  public List<Volume> listAll() {
    return byId.values().stream().sorted(Comparator.comparing(Volume::reference)).toList();
  }

  @Override
  public List<Volume> listOwned(UserName owner) {
    return listAll().stream().filter(v -> v.owner().equals(owner)).toList();
  }

  @Override
  public Optional<String> resolvedPath(PathKey key) {
    return Optional.ofNullable(paths.get(key));
  }

  @Override
  public void recordPath(PathKey key, String resolved) {
    paths.putIfAbsent(key, resolved);
  }

  @Override
  public Optional<String> syncedImage(PathKey key) {
    return Optional.ofNullable(synced.get(key));
  }

  @Override
  public void recordSyncedImage(PathKey key, String image) {
    synced.put(key, image);
  }

  @Override
  public boolean hasSyncedImage(String volumeId, String image) {
    return synced.entrySet().stream()
        .anyMatch(e -> e.getKey().volumeId().equals(volumeId) && e.getValue().equals(image));
  }
}
