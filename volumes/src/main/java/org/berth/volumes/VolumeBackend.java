package org.berth.volumes;

import java.util.Map;
import java.util.OptionalLong;

/**
 * Where volumes' data lives: Docker named volumes on one machine (the embedded default), Kubernetes
 * claims later. Names ({@code source}) are the back end's own. The file operations serve seeding
 * and pulls; paths are relative, with {@code /} between parts. Implementations are thread-safe.
 */
public interface VolumeBackend {

  /**
   * Makes the volume if it does not exist, its top directory the notebook user's; labels say who it
   * belongs to.
   */
  void create(String source, Map<String, String> labels);

  /**
   * Makes a home volume if it does not exist. A home is mounted at the image's home, whose files
   * and owner (the notebook user) the back end copies into the empty volume at its first mount, as
   * Docker does; a back end that does not hands the volume over as {@link #create} does.
   */
  default void createHome(String source, Map<String, String> labels) {
    create(source, labels);
  }

  /** Deletes the volume and its data for good; a missing volume is no error. */
  void delete(String source);

  boolean exists(String source);

  /** The bytes the volume holds; empty when the back end cannot tell. */
  OptionalLong usage(String source);

  /**
   * The regular files under {@code subPath} of the volume (empty sub-path: the whole volume), by
   * path relative to it. Empty when there are none or the sub-path does not exist.
   */
  Map<String, byte[]> read(String source, String subPath);

  /** As {@link #read(String, String)}, keeping only the files whose path {@code keep} accepts. */
  Map<String, byte[]> read(
      String source, String subPath, java.util.function.Predicate<String> keep);

  /**
   * Writes files under {@code subPath}, making directories as needed, owned by the notebook user.
   * Existing files of those paths are replaced; no other file is touched.
   */
  void write(String source, String subPath, Map<String, byte[]> files);

  /** The files an image holds under {@code path} (its home, say), by relative path. */
  Map<String, byte[]> imageFiles(String image, String path);
}
