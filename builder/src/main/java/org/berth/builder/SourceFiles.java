package org.berth.builder;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * The files of a fetched commit as git knows them: paths, kinds, object ids and sizes, listed
 * without reading any file, and their bytes read straight from the repository's object store, never
 * through the checkout (so no link is ever followed). Builders that only need the content (the
 * environment strategy's content layers) use this; builders that need a checkout on disk use {@link
 * SourceTree#root()}.
 *
 * <p>A fetch may leave large files out of the checkout until something asks for the checkout: see
 * {@link #materialize()}. Implementations are thread-safe.
 */
public interface SourceFiles {
  /** Every entry of the commit, sorted by path (Java string order); empty for an empty commit. */
  List<SourceFile> list();

  /**
   * Opens the store for reading entries' bytes; the caller closes it when done. It may hold a lock
   * on the repository's store (other fetches of the same repository wait), so keep it open for one
   * piece of work, not a whole build.
   *
   * @throws BuildException when the store cannot be read any more
   */
  Contents open();

  /** Writes the files the fetch left out into the checkout; does nothing when none were. */
  void materialize();

  /**
   * Writes one file the fetch left out, if {@code path} is one of them.
   *
   * @return whether it was left out (and is now written)
   */
  boolean materialize(String path);

  /** An open store of a commit's entries. */
  interface Contents extends AutoCloseable {
    /**
     * The bytes of a file, or the target of a link (UTF-8 bytes).
     *
     * @throws IOException when the object cannot be read
     */
    InputStream open(SourceFile file) throws IOException;

    @Override
    void close();
  }

  /**
   * The files of a directory on disk (without a top-level {@code .git}), for sources that have no
   * object store of their own: ids are computed as git computes them, which reads every file once
   * when first listed. Links are listed as links, never followed.
   */
  static SourceFiles onDisk(Path root) {
    return new DiskSourceFiles(root);
  }
}
