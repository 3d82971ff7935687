package org.berth.builder;

import java.util.List;
import java.util.Optional;

/**
 * Where finished builds are recorded; the portal implements it with its database. A record is saved
 * once, when the build ends; an image is recorded as built only after the registry has all of it.
 * Implementations are thread-safe.
 */
public interface BuildStore {
  void save(BuildRecord record);

  Optional<BuildRecord> find(String id);

  /** Records for an image, newest first. */
  List<BuildRecord> forCommit(String source, String commit);
}
