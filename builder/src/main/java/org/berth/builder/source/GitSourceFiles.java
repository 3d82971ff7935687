package org.berth.builder.source;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.berth.builder.BuildException;
import org.berth.builder.SourceFile;
import org.berth.builder.SourceFiles;
import org.berth.builder.SourcePolicy;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * A commit's files read from the repository's mirror, under the mirror's lock. The files the export
 * left out are written into the checkout on demand.
 */
final class GitSourceFiles implements SourceFiles {
  private final GitMirrors mirrors;
  private final String repo;
  private final String url;
  private final SourcePolicy policy;
  private final Path checkout;
  private final List<SourceFile> files;
  private final Map<String, SourceFile> deferred = new LinkedHashMap<>();

  GitSourceFiles(
      GitMirrors mirrors,
      String repo,
      String url,
      SourcePolicy policy,
      Path checkout,
      List<SourceFile> files,
      long deferFrom) {
    this.mirrors = mirrors;
    this.repo = repo;
    this.url = url;
    this.policy = policy;
    this.checkout = checkout;
    this.files = List.copyOf(files);
    for (SourceFile f : files) {
      if (f.hasContent() && f.kind() != SourceFile.Kind.SYMLINK && f.size() >= deferFrom) {
        deferred.put(f.path(), f);
      }
    }
  }

  @Override
  public List<SourceFile> list() {
    return files;
  }

  @Override
  public synchronized void materialize() {
    write(List.copyOf(deferred.values()));
  }

  @Override
  public synchronized boolean materialize(String path) {
    SourceFile file = deferred.get(path);
    if (file == null) {
      return false;
    }
    write(List.of(file));
    return true;
  }

  private void write(List<SourceFile> left) {
    if (left.isEmpty()) {
      return;
    }
    FetchLimits limits = new FetchLimits(url, policy);
    mirrors.locked(
        repo,
        limits,
        mirror -> {
          try (Repository git = open(mirror)) {
            ExportTreeStep export = new ExportTreeStep(git, url, limits);
            for (SourceFile f : left) {
              export.write(f, checkout);
              deferred.remove(f.path());
            }
          } catch (IOException e) {
            throw gone(e);
          }
          return null;
        });
  }

  @Override
  public Contents open() {
    GitMirrors.Held held = mirrors.read(repo, new FetchLimits(url, policy));
    Repository git;
    try {
      git = open(mirrors.dirOf(repo));
    } catch (IOException | RuntimeException e) {
      held.close();
      throw gone(e);
    }
    return new Contents() {
      @Override
      public InputStream open(SourceFile file) throws IOException {
        if (!file.hasContent()) {
          return InputStream.nullInputStream();
        }
        var blob = git.open(ObjectId.fromString(file.objectId()), Constants.OBJ_BLOB);
        if (file.kind() == SourceFile.Kind.SYMLINK) {
          return new ByteArrayInputStream(blob.getCachedBytes(4096));
        }
        return blob.openStream();
      }

      @Override
      public void close() {
        try {
          git.close();
        } finally {
          held.close();
        }
      }
    };
  }

  private static Repository open(Path mirror) throws IOException {
    return new FileRepositoryBuilder().setGitDir(mirror.toFile()).setMustExist(true).build();
  }

  private BuildException gone(Exception e) {
    return new BuildException(
        BuildException.Failure.GIT,
        "the files of "
            + url
            + " can no longer be read from Berth's copy of it ("
            + e.getMessage()
            + "); build again",
        e);
  }
}
