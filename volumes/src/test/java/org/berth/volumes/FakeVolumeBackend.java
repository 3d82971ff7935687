package org.berth.volumes;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/** Volumes as maps of files in memory. */
class FakeVolumeBackend implements VolumeBackend {

  final Map<String, Map<String, byte[]>> volumes = new ConcurrentHashMap<>();
  final Map<String, Map<String, byte[]>> images = new ConcurrentHashMap<>();

  @Override
  public void create(String source, Map<String, String> labels) {
    volumes.computeIfAbsent(source, k -> new ConcurrentHashMap<>());
  }

  @Override
  public void delete(String source) {
    volumes.remove(source);
  }

  @Override
  public boolean exists(String source) {
    return volumes.containsKey(source);
  }

  @Override
  public OptionalLong usage(String source) {
    Map<String, byte[]> files = volumes.get(source);
    return files == null
        ? OptionalLong.empty()
        : OptionalLong.of(files.values().stream().mapToLong(b -> b.length).sum());
  }

  @Override
  public Map<String, byte[]> read(String source, String subPath) {
    return read(source, subPath, p -> true);
  }

  @Override
  public Map<String, byte[]> read(
      String source, String subPath, java.util.function.Predicate<String> keep) {
    Map<String, byte[]> out = new HashMap<>();
    String prefix = subPath.isEmpty() ? "" : subPath + "/";
    volumes
        .getOrDefault(source, Map.of())
        .forEach(
            (path, data) -> {
              if (path.startsWith(prefix) && keep.test(path.substring(prefix.length()))) {
                out.put(path.substring(prefix.length()), data);
              }
            });
    return out;
  }

  @Override
  public void write(String source, String subPath, Map<String, byte[]> files) {
    String prefix = subPath.isEmpty() ? "" : subPath + "/";
    Map<String, byte[]> v = volumes.computeIfAbsent(source, k -> new ConcurrentHashMap<>());
    files.forEach((path, data) -> v.put(prefix + path, data));
  }

  @Override
  public Map<String, byte[]> imageFiles(String image, String path) {
    return images.getOrDefault(image, Map.of());
  }

  String text(String source, String path) {
    byte[] b = volumes.getOrDefault(source, Map.of()).get(path);
    return b == null ? null : new String(b, java.nio.charset.StandardCharsets.UTF_8);
  }
}
