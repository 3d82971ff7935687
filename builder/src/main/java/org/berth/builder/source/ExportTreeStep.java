package org.berth.builder.source;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.berth.builder.BuildException;
import org.berth.builder.SourceFile;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.util.RawParseUtils;

/**
 * Writes one commit's files straight from a repository's object database into a directory, without
 * a working tree or index: regular files (mode 100755 made executable), symlinks as symlinks,
 * submodule entries as empty directories. Content is written as stored: no filters or end-of-line
 * conversion. Paths with a {@code ..} or {@code .git} component are refused, and nothing is written
 * through a link or over an existing file. Bytes are counted against the fetch's limits as they go.
 *
 * <p>Files of {@code deferFrom} bytes or more are listed and counted but not written (their folders
 * are made): {@link #write} writes them later, if a build asks for the whole checkout.
 *
 * <p>Links are written with their targets as committed, also those that leave the checkout
 * (absolute, or climbing with {@code ..}): inside the built image they point where their author
 * meant, as with {@code git clone}, {@code docker build} and repo2docker, and refusing them would
 * fail repositories that link to a path of the image (a data folder, a mounted volume). On this
 * host nothing follows them: Berth reads a checkout only through {@link
 * org.berth.builder.SourceTree#file}, which refuses such links, and sends it to the engine as a tar
 * that stores links as links.
 */
final class ExportTreeStep {
  private static final Set<StandardOpenOption> NEW_FILE =
      Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
  private static final FileAttribute<Set<PosixFilePermission>> EXECUTABLE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x"));

  private final Repository repo;
  private final String repoName;
  private final FetchLimits limits;

  ExportTreeStep(Repository repo, String repoName, FetchLimits limits) {
    this.repo = repo;
    this.repoName = repoName;
    this.limits = limits;
  }

  /**
   * Writes {@code commit}'s tree into {@code into}, which must not exist or be empty, leaving out
   * regular files of {@code deferFrom} bytes or more.
   *
   * @return every entry of the tree, sorted by path
   */
  List<SourceFile> run(ObjectId commit, Path into, long deferFrom) throws IOException {
    Files.createDirectories(into);
    Set<String> dirs = new HashSet<>();
    List<SourceFile> listed = new ArrayList<>();
    try (ObjectReader reader = repo.newObjectReader();
        RevWalk walk = new RevWalk(reader);
        TreeWalk tree = new TreeWalk(reader)) {
      tree.addTree(walk.parseCommit(commit).getTree());
      tree.setRecursive(true);
      while (tree.next()) {
        limits.check();
        String path = tree.getPathString();
        Path target = into.resolve(safe(path));
        makeParents(into, path, dirs);
        FileMode mode = tree.getFileMode(0);
        ObjectId id = tree.getObjectId(0);
        if (mode == FileMode.REGULAR_FILE || mode == FileMode.EXECUTABLE_FILE) {
          long size = reader.getObjectSize(id, Constants.OBJ_BLOB);
          limits.write(size);
          boolean exec = mode == FileMode.EXECUTABLE_FILE;
          listed.add(
              new SourceFile(
                  path, exec ? SourceFile.Kind.EXECUTABLE : SourceFile.Kind.FILE, id.name(), size));
          if (size < deferFrom) {
            writeFile(reader.open(id, Constants.OBJ_BLOB), target, exec);
          }
        } else if (mode == FileMode.SYMLINK) {
          byte[] link = reader.open(id, Constants.OBJ_BLOB).getCachedBytes(4096);
          Files.createSymbolicLink(target, Path.of(RawParseUtils.decode(link)));
          listed.add(new SourceFile(path, SourceFile.Kind.SYMLINK, id.name(), link.length));
        } else if (mode == FileMode.GITLINK) {
          Files.createDirectory(target);
          dirs.add(path);
          listed.add(new SourceFile(path, SourceFile.Kind.SUBMODULE, id.name(), 0));
        }
      }
    }
    listed.sort(Comparator.comparing(SourceFile::path));
    return listed;
  }

  /**
   * Writes a file {@link #run} left out into {@code into}, whose folders {@link #run} made; never
   * over an existing file or through a link.
   */
  void write(SourceFile file, Path into) throws IOException {
    Path target = into.resolve(safe(file.path()));
    try (ObjectReader reader = repo.newObjectReader()) {
      writeFile(
          reader.open(ObjectId.fromString(file.objectId()), Constants.OBJ_BLOB),
          target,
          file.kind() == SourceFile.Kind.EXECUTABLE);
    }
  }

  private static void writeFile(ObjectLoader blob, Path target, boolean exec) throws IOException {
    try (OutputStream out =
        exec
            ? Channels.newOutputStream(Files.newByteChannel(target, NEW_FILE, EXECUTABLE))
            : Files.newOutputStream(target, NEW_FILE.toArray(StandardOpenOption[]::new))) {
      blob.copyTo(out);
    }
  }

  /** Creates the missing parents of {@code path} as plain directories; never follows a link. */
  private static void makeParents(Path into, String path, Set<String> dirs) throws IOException {
    int slash = path.indexOf('/');
    while (slash > 0) {
      String parent = path.substring(0, slash);
      if (dirs.add(parent)) {
        Files.createDirectory(into.resolve(parent));
      }
      slash = path.indexOf('/', slash + 1);
    }
  }

  private String safe(String path) {
    for (String name : path.split("/", -1)) {
      String lower = name.toLowerCase(Locale.ROOT);
      if (name.isEmpty() || name.equals(".") || name.equals("..") || lower.equals(".git")) {
        throw new BuildException(
            BuildException.Failure.GIT,
            "repository " + repoName + " contains an unsafe path: " + path.replace('\0', '?'));
      }
    }
    return path;
  }
}
