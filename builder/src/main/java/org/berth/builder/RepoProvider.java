package org.berth.builder;

import java.nio.file.Path;

/**
 * Where sources come from: git today; Zenodo, Figshare and DOI records fit the same two steps
 * (resolve a version to an immutable id without downloading, then fetch it). Implementations are
 * thread-safe and validate the source before any network operation.
 */
public interface RepoProvider {
  /** True when this provider handles the spec's provider name. */
  boolean supports(SourceSpec spec);

  /**
   * Resolves the ref to an immutable id (a full commit SHA) without downloading the contents.
   *
   * @throws SourceRefusedException when the source is not allowed
   * @throws UnknownRefException when the ref does not exist
   */
  ResolvedSource resolve(SourceSpec spec);

  /**
   * Downloads the resolved contents into {@code into} (an empty directory), within the policy's
   * size and time limits. On failure the directory's contents are removed.
   */
  SourceTree fetch(ResolvedSource source, Path into);
}
