package org.berth.builder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A fetched repository: its checkout on disk, where its configuration lives, and its files as git
 * knows them. Config files are looked for in {@code binder/} or {@code .binder/} first: if both
 * exist that is an error; if either exists, files at the root are ignored.
 *
 * <p>A fetch may leave large files out of the checkout (see {@link SourceFiles#materialize()}):
 * {@link #root()} writes them before it answers, so whoever asks for the checkout gets all of it,
 * while a build that reads only {@link #files()} never writes them. Config look-ups write only the
 * config file asked for.
 *
 * @param root the checkout
 * @param source where it came from
 * @param files the commit's files as git knows them (for a plain directory: {@link
 *     SourceFiles#onDisk})
 */
public record SourceTree(Path root, ResolvedSource source, SourceFiles files) {
  public SourceTree {
    if (root == null) {
      throw new IllegalArgumentException("a source tree needs its root");
    }
    if (files == null) {
      files = SourceFiles.onDisk(root);
    }
  }

  /** A checkout that holds every file (its files are listed from disk). */
  public SourceTree(Path root, ResolvedSource source) {
    this(root, source, null);
  }

  /** The whole checkout: files the fetch left out are written first. */
  @Override
  public Path root() {
    files.materialize();
    return root;
  }

  /** The folder holding config files: {@code binder/}, {@code .binder/} or the root. */
  public Path configDir() {
    boolean binder = Files.isDirectory(root.resolve("binder"));
    boolean dotBinder = Files.isDirectory(root.resolve(".binder"));
    if (binder && dotBinder) {
      throw new BuildException(
          BuildException.Failure.RECIPE,
          "repository has both binder/ and .binder/ folders: keep one of them");
    }
    return binder ? root.resolve("binder") : dotBinder ? root.resolve(".binder") : root;
  }

  /** A config file, looked up in {@link #configDir()}; empty when absent. */
  public Optional<Path> config(String name) {
    Path p = configDir().resolve(name);
    if (!Files.isRegularFile(p)) {
      String rel = root.relativize(p).toString().replace('\\', '/');
      if (!files.materialize(rel)) {
        return Optional.empty();
      }
    }
    return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
  }

  public boolean has(String name) {
    return config(name).isPresent();
  }

  public String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
