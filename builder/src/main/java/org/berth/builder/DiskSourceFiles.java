package org.berth.builder;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/** {@link SourceFiles#onDisk}: a directory walked without following links. */
final class DiskSourceFiles implements SourceFiles {
  private final Path root;
  private List<SourceFile> listed;

  DiskSourceFiles(Path root) {
    this.root = root;
  }

  @Override
  public synchronized List<SourceFile> list() {
    if (listed == null) {
      listed = walk();
    }
    return listed;
  }

  private List<SourceFile> walk() {
    List<SourceFile> files = new ArrayList<>();
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
              return dir.getFileName() != null
                      && dir.getFileName().toString().equals(".git")
                      && !dir.equals(root)
                  ? FileVisitResult.SKIP_SUBTREE
                  : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              String path = root.relativize(file).toString().replace('\\', '/');
              if (file.getFileName().toString().equals(".git")) {
                return FileVisitResult.CONTINUE; // a submodule's pointer to its repository
              }
              if (attrs.isSymbolicLink()) {
                byte[] target = linkTarget(file);
                files.add(
                    new SourceFile(path, SourceFile.Kind.SYMLINK, blobId(target), target.length));
              } else if (attrs.isRegularFile()) {
                boolean exec =
                    Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS)
                        .contains(PosixFilePermission.OWNER_EXECUTE);
                files.add(
                    new SourceFile(
                        path,
                        exec ? SourceFile.Kind.EXECUTABLE : SourceFile.Kind.FILE,
                        blobId(file, attrs.size()),
                        attrs.size()));
              }
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    files.sort(Comparator.comparing(SourceFile::path));
    return List.copyOf(files);
  }

  private static byte[] linkTarget(Path link) throws IOException {
    return Files.readSymbolicLink(link).toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The id git gives a blob: SHA-1 of {@code blob <length>\0} and the bytes. */
  private static String blobId(Path file, long size) throws IOException {
    MessageDigest sha1 = sha1(size);
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) > 0; ) {
        sha1.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(sha1.digest());
  }

  private static String blobId(byte[] bytes) {
    MessageDigest sha1 = sha1(bytes.length);
    sha1.update(bytes);
    return HexFormat.of().formatHex(sha1.digest());
  }

  private static MessageDigest sha1(long size) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      sha1.update(("blob " + size + "\0").getBytes(StandardCharsets.US_ASCII));
      return sha1;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public Contents open() {
    return new Contents() {
      @Override
      public InputStream open(SourceFile file) throws IOException {
        Path p = root.resolve(file.path());
        if (file.kind() == SourceFile.Kind.SYMLINK) {
          return new ByteArrayInputStream(linkTarget(p));
        }
        return Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS);
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public void materialize() {}

  @Override
  public boolean materialize(String path) {
    return false;
  }
}
