package org.berth.builder;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link BuildStore} in memory, for tests and the embedded default. Thread-safe. */
public final class InMemoryBuildStore implements BuildStore {
  private final Map<String, BuildRecord> records = new ConcurrentHashMap<>();

  @Override
  public void save(BuildRecord record) {
    records.put(record.id(), record);
  }

  @Override
  public Optional<BuildRecord> find(String id) {
    return Optional.ofNullable(records.get(id));
  }

  @Override
  public List<BuildRecord> forCommit(String source, String commit) {
    List<BuildRecord> out = new ArrayList<>();
    for (BuildRecord r : records.values()) {
      if (r.source().equals(source) && r.commit().equals(commit)) {
        out.add(r);
      }
    }
    out.sort(Comparator.comparing(BuildRecord::startedAt).reversed());
    return out;
  }

  public List<BuildRecord> all() {
    return List.copyOf(records.values());
  }
}
