package org.berth.builder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A checked-out repository on disk, and where its configuration lives. Config files are looked for
 * in {@code binder/} or {@code .binder/} first: if both exist that is an error; if either exists,
 * files at the root are ignored.
 *
 * @param root the checkout
 * @param source where it came from
 */
public record SourceTree(Path root, ResolvedSource source) {
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
