package org.berth.builder.strategy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.berth.builder.BuildException;
import org.berth.builder.SourceTree;

/**
 * A build context as Berth writes it for the engine: a tar of a checkout (or of nothing) plus files
 * Berth generates, such as a Dockerfile. Nothing is followed: a symbolic link goes into the tar as
 * a link with its target as written, a regular file is read with {@code O_NOFOLLOW}, and other
 * kinds of file are left out; the engine then resolves links inside the context only, so no file of
 * the machine Berth runs on can enter a build. The checkout's top-level {@code .git} is left out
 * and its {@code .dockerignore} is honoured as the Docker CLI honours it (the Dockerfile and the
 * {@code .dockerignore} itself are always sent, as the CLI sends them). Entries are in name order.
 *
 * <p>Single use: configure, then {@link #writeTo} once or more. Not thread-safe.
 */
public final class BuildContextTar {
  private final SourceTree tree;
  private final Map<String, byte[]> extra = new LinkedHashMap<>();
  private String dockerfile = "Dockerfile";
  private String prefix = "";
  private int owner;
  private boolean dockerignore = true;

  private BuildContextTar(SourceTree tree) {
    this.tree = tree;
  }

  /** The checkout's files, with its {@code .dockerignore} applied. */
  public static BuildContextTar of(SourceTree tree) {
    return new BuildContextTar(tree);
  }

  /** A context of generated files only; see {@link #withFile}. */
  public static BuildContextTar empty() {
    return new BuildContextTar(null);
  }

  /**
   * Adds a file Berth made (mode 644), in place of any checkout file at the same path. A generated
   * Dockerfile goes here, so Berth never writes into a checkout (where a link could lead a write
   * out of it).
   */
  public BuildContextTar withFile(String path, byte[] content) {
    extra.put(checked(path), content.clone());
    return this;
  }

  /** The Dockerfile's path in the context; {@code Dockerfile} unless set. */
  public BuildContextTar dockerfile(String path) {
    this.dockerfile = checked(path);
    return this;
  }

  /** Puts every entry under {@code folder/}, owned by {@code uid:uid}, with no .dockerignore. */
  public BuildContextTar asFolder(String folder, int uid) {
    this.prefix = checked(folder) + "/";
    this.owner = uid;
    this.dockerignore = false;
    return this;
  }

  /** The Dockerfile's path in the context. */
  public String dockerfilePath() {
    return dockerfile;
  }

  /** The Dockerfile's text, read as the tar would read it; empty when the context has none. */
  public Optional<String> dockerfileText() {
    byte[] made = extra.get(dockerfile);
    if (made != null) {
      return Optional.of(new String(made, StandardCharsets.UTF_8));
    }
    if (tree == null) {
      return Optional.empty();
    }
    return tree.file(dockerfile).map(tree::read);
  }

  /** Writes the context as an uncompressed tar; does not close {@code out}. */
  public void writeTo(OutputStream out) throws IOException {
    TarArchiveOutputStream tar = new TarArchiveOutputStream(out, "UTF-8");
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    tar.setAddPaxHeadersForNonAsciiNames(true);
    if (!prefix.isEmpty()) {
      TarArchiveEntry top = new TarArchiveEntry(prefix);
      top.setMode(TarArchiveEntry.DEFAULT_DIR_MODE);
      top.setIds(owner, owner);
      tar.putArchiveEntry(top);
      tar.closeArchiveEntry();
    }
    if (tree != null) {
      DockerIgnore ignore = dockerignore ? readIgnore() : DockerIgnore.NONE;
      walk(tar, tree.root(), "", ignore);
    }
    for (Map.Entry<String, byte[]> f : extra.entrySet()) {
      TarArchiveEntry entry = new TarArchiveEntry(prefix + f.getKey());
      entry.setMode(0100644);
      entry.setIds(owner, owner);
      entry.setSize(f.getValue().length);
      tar.putArchiveEntry(entry);
      tar.write(f.getValue());
      tar.closeArchiveEntry();
    }
    tar.finish();
    tar.flush();
  }

  private DockerIgnore readIgnore() {
    try {
      return tree.file(".dockerignore")
          .map(p -> DockerIgnore.parse(tree.read(p)))
          .orElse(DockerIgnore.NONE);
    } catch (BuildException e) {
      // A .dockerignore that is a link out of the repository is not read; it is sent as a link.
      return DockerIgnore.NONE;
    }
  }

  private void walk(TarArchiveOutputStream tar, Path dir, String rel, DockerIgnore ignore)
      throws IOException {
    List<Path> children = new ArrayList<>();
    try (DirectoryStream<Path> list = Files.newDirectoryStream(dir)) {
      list.forEach(children::add);
    }
    Collections.sort(children);
    for (Path child : children) {
      String name = rel + child.getFileName().toString();
      if (name.equals(".git") || extra.containsKey(name)) {
        continue;
      }
      PosixFileAttributes attrs =
          Files.readAttributes(child, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      boolean alwaysSent = name.equals(dockerfile) || name.equals(".dockerignore");
      boolean excluded = !alwaysSent && ignore.excludes(name);
      if (attrs.isDirectory()) {
        if (!excluded) {
          put(tar, name + "/", attrs, TarConstants.LF_DIR, null);
        }
        if (!excluded || ignore.mayIncludeInside()) {
          walk(tar, child, name + "/", ignore);
        }
      } else if (excluded) {
        continue;
      } else if (attrs.isSymbolicLink()) {
        put(tar, name, attrs, TarConstants.LF_SYMLINK, Files.readSymbolicLink(child).toString());
      } else if (attrs.isRegularFile()) {
        TarArchiveEntry entry = entry(name, attrs, TarConstants.LF_NORMAL);
        entry.setSize(attrs.size());
        tar.putArchiveEntry(entry);
        try (InputStream in = Files.newInputStream(child, LinkOption.NOFOLLOW_LINKS)) {
          long copied = in.transferTo(tar);
          if (copied != attrs.size()) {
            throw new IOException(name + " changed while the build context was written");
          }
        }
        tar.closeArchiveEntry();
      }
      // sockets, pipes and devices cannot come from git; nothing to send
    }
  }

  private void put(
      TarArchiveOutputStream tar, String name, PosixFileAttributes attrs, byte type, String link)
      throws IOException {
    TarArchiveEntry entry = entry(name, attrs, type);
    if (link != null) {
      entry.setLinkName(link);
    }
    tar.putArchiveEntry(entry);
    tar.closeArchiveEntry();
  }

  private TarArchiveEntry entry(String name, PosixFileAttributes attrs, byte type) {
    TarArchiveEntry entry = new TarArchiveEntry(prefix + name, type);
    int kind =
        type == TarConstants.LF_DIR ? 0040000 : type == TarConstants.LF_SYMLINK ? 0120000 : 0100000;
    entry.setMode(kind | mode(attrs.permissions()));
    entry.setIds(owner, owner);
    entry.setModTime(attrs.lastModifiedTime().toMillis());
    return entry;
  }

  private static int mode(Set<PosixFilePermission> perms) {
    int mode = 0;
    for (PosixFilePermission p : perms) {
      mode |= 1 << (8 - p.ordinal()); // OWNER_READ is ordinal 0, i.e. 0400
    }
    return mode;
  }

  private static String checked(String path) {
    String clean = DockerIgnore.clean(path);
    if (clean.isEmpty()
        || !clean.equals(path.replaceAll("^/+|/+$", ""))
        || clean.startsWith("..")) {
      throw new IllegalArgumentException("not a plain relative path: " + path);
    }
    return clean;
  }

  /** Writes to a file, wrapping I/O errors as the build's workspace failing. */
  void writeTo(Path file) {
    try (OutputStream out = Files.newOutputStream(file)) {
      writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
