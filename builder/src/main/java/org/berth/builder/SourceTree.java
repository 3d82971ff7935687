package org.berth.builder;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * A fetched repository: its checkout on disk, where its configuration lives, and its files as git
 * knows them. Config files are looked for in {@code binder/} or {@code .binder/} first: if both
 * exist that is an error; if either exists, files at the root are ignored.
 *
 * <p>A fetch may leave large files out of the checkout (see {@link SourceFiles#materialize()}):
 * {@link #root()} writes them before it answers, so whoever asks for the checkout gets all of it,
 * while a build that reads only {@link #files()} never writes them. {@link #file} (and so the
 * config look-ups) writes only the file asked for.
 *
 * <p>A repository may hold symbolic links with any target. Every file Berth reads from a checkout
 * is found through {@link #file}, which follows a link only while it stays inside the checkout (as
 * the engine does for {@code COPY}) and refuses one that leaves it, absolute or through {@code ..},
 * with a {@link BuildException.Failure#RECIPE RECIPE} failure naming the link: a repository never
 * makes Berth read a file of the machine it runs on. The links themselves stay in the checkout as
 * written, since inside the built image they mean what their author meant.
 *
 * @param root the checkout
 * @param source where it came from
 * @param files the commit's files as git knows them (for a plain directory: {@link
 *     SourceFiles#onDisk})
 */
public record SourceTree(Path root, ResolvedSource source, SourceFiles files) {
  /** More links than this on one path is a loop, as for the kernel's ELOOP. */
  private static final int MAX_LINKS = 40;

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
    Optional<Path> binder = inside("binder").filter(SourceTree::isDirectory);
    Optional<Path> dotBinder = inside(".binder").filter(SourceTree::isDirectory);
    if (binder.isPresent() && dotBinder.isPresent()) {
      throw new BuildException(
          BuildException.Failure.RECIPE,
          "repository has both binder/ and .binder/ folders: keep one of them");
    }
    return binder.or(() -> dotBinder).orElse(root);
  }

  /**
   * Whether config files are looked for at the root (there is no {@code binder/} or {@code
   * .binder/} folder). Unlike comparing with {@link #root()}, this writes no file out.
   */
  public boolean configAtRoot() {
    return configDir().equals(root);
  }

  /**
   * A config file, looked up in {@link #configDir()}: the file itself, never a link (a link inside
   * the checkout is followed to its target); empty when absent.
   *
   * @throws BuildException (RECIPE) when the name is a link that leaves the checkout
   */
  public Optional<Path> config(String name) {
    String dir = root.relativize(configDir()).toString();
    return file(dir.isEmpty() ? name : dir + "/" + name);
  }

  public boolean has(String name) {
    return config(name).isPresent();
  }

  /**
   * A regular file of the checkout by its path relative to the root, found without leaving the
   * checkout: the returned path has no link in it. Empty when there is no such regular file.
   *
   * @throws BuildException (RECIPE) when the path, or a link on it, leads out of the checkout
   */
  public Optional<Path> file(String relative) {
    Optional<Path> found =
        inside(relative).filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS));
    if (found.isEmpty() && files.materialize(relative)) {
      // a large file the fetch left out, written now
      found = inside(relative).filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS));
    }
    return found;
  }

  /** A file of the checkout as text (UTF-8); see {@link #readBytes}. */
  public String read(Path file) {
    return new String(readBytes(file), StandardCharsets.UTF_8);
  }

  /**
   * A file of the checkout, read without following links.
   *
   * @throws BuildException (RECIPE) when the file is not inside the checkout or is reached through
   *     a link that leaves it
   */
  public byte[] readBytes(Path file) {
    Path absolute = file.isAbsolute() ? file.normalize() : root.resolve(file).normalize();
    if (!absolute.startsWith(root.normalize())) {
      throw new BuildException(
          BuildException.Failure.RECIPE, file + " is not a file of the repository");
    }
    String relative = root.normalize().relativize(absolute).toString();
    Path found =
        file(relative)
            .orElseThrow(
                () ->
                    new BuildException(
                        BuildException.Failure.RECIPE,
                        relative + " is not a file of the repository"));
    try (InputStream in = Files.newInputStream(found, LinkOption.NOFOLLOW_LINKS)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Resolves {@code relative} the way the kernel would, link by link, but inside the checkout: a
   * link whose target is absolute, or whose {@code ..} climbs above the root, is refused. Empty
   * when the path does not exist. The result contains no link.
   */
  private Optional<Path> inside(String relative) {
    Deque<String> todo = new ArrayDeque<>(List.of(relative.split("/")));
    List<String> done = new ArrayList<>();
    int links = 0;
    String link = null; // the last link followed, and its target, for the message
    String linkTarget = null;
    while (!todo.isEmpty()) {
      String name = todo.pop();
      if (name.isEmpty() || name.equals(".")) {
        continue;
      }
      if (name.equals("..")) {
        if (done.isEmpty()) {
          throw outside(relative, link, linkTarget);
        }
        done.remove(done.size() - 1);
        continue;
      }
      Path here = root.resolve(String.join("/", done)).resolve(name);
      BasicFileAttributes attrs;
      try {
        attrs = Files.readAttributes(here, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (IOException e) {
        return Optional.empty(); // absent (or unreadable): not a file of the repository
      }
      if (attrs.isSymbolicLink()) {
        if (++links > MAX_LINKS) {
          throw new BuildException(
              BuildException.Failure.RECIPE,
              relative + " goes through more than " + MAX_LINKS + " links (a loop?)");
        }
        Path target;
        try {
          target = Files.readSymbolicLink(here);
        } catch (IOException e) {
          return Optional.empty();
        }
        link = root.relativize(here).toString();
        linkTarget = target.toString();
        if (target.isAbsolute()) {
          throw outside(relative, link, linkTarget);
        }
        List<String> parts = List.of(target.toString().split("/"));
        for (int i = parts.size() - 1; i >= 0; i--) {
          todo.push(parts.get(i));
        }
        continue;
      }
      if (!attrs.isDirectory() && !todo.isEmpty()) {
        return Optional.empty(); // a file used as a folder
      }
      done.add(name);
    }
    return Optional.of(root.resolve(String.join("/", done)));
  }

  private static boolean isDirectory(Path p) {
    return Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
  }

  private static BuildException outside(String path, String link, String target) {
    String what =
        link == null
            ? path + " is outside the repository"
            : link.equals(path)
                ? path + " is a link to " + target + ", outside the repository"
                : path
                    + " leads outside the repository through the link "
                    + link
                    + " (to "
                    + target
                    + ")";
    return new BuildException(
        BuildException.Failure.RECIPE,
        what
            + ": Berth reads the files of a build only from inside the repository. Put the file"
            + " itself in the repository instead of the link.");
  }
}
