package org.berth.volumes;

import java.util.Map;

/**
 * The files of a git repository at a ref, which seed volumes and feed later pulls. The portal
 * implements it with the builder's fetching (the same host rules as builds).
 */
public interface SeedSource {

  /** The repository's files at {@code ref}, by relative path; the commit they come from. */
  Snapshot files(String repo, String ref);

  /** Files and the commit they were read at. */
  record Snapshot(String commit, Map<String, byte[]> files) {}
}
