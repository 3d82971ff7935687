package org.berth.portal.volumes;

import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.berth.builder.SourceSpec;
import org.berth.builder.SourceTree;
import org.berth.portal.builds.Builds;
import org.berth.volumes.SeedSource;

/**
 * Seeds volumes from git with the builder's fetching: the same host rules, size and time limits as
 * builds. Regular files only; links are left out.
 */
@Singleton
class GitSeedSource implements SeedSource {

  private final Builds builds;

  GitSeedSource(Builds builds) {
    this.builds = builds;
  }

  @Override
  public Snapshot files(String repo, String ref) {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("berth-seed");
      Path into = dir.resolve("src");
      SourceTree tree = builds.fetch(SourceSpec.parse(repo, ref), into);
      Map<String, byte[]> files = new HashMap<>();
      Path root = tree.root();
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              if (attrs.isRegularFile()) {
                files.put(
                    root.relativize(file).toString().replace('\\', '/'), Files.readAllBytes(file));
              }
              return FileVisitResult.CONTINUE;
            }
          });
      return new Snapshot(tree.source().commit(), files);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read " + repo + " at " + ref, e);
    } finally {
      delete(dir);
    }
  }

  private static void delete(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temporary directory left behind is cleaned by the system
    }
  }
}
