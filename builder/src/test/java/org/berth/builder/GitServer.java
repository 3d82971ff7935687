package org.berth.builder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.Daemon;
import org.eclipse.jgit.transport.UploadPack;

/**
 * A real git:// server (JGit's {@link Daemon}) on 127.0.0.1 serving test repositories made from the
 * fixture folders. Fetch by SHA is allowed, as on GitHub.
 */
public final class GitServer implements AutoCloseable {
  private final Daemon daemon;
  private final Map<String, Git> repos = new ConcurrentHashMap<>();
  private final Path dir;

  public GitServer() {
    try {
      dir = Files.createTempDirectory("berth-git-server");
      daemon = new Daemon(new InetSocketAddress("127.0.0.1", 0));
      daemon.setRepositoryResolver(
          (req, name) -> {
            Git git = repos.get(name.replaceAll("^/|/$", ""));
            if (git == null) {
              throw new org.eclipse.jgit.errors.RepositoryNotFoundException(name);
            }
            Repository r = git.getRepository();
            r.incrementOpen();
            return r;
          });
      daemon.setUploadPackFactory(
          (req, db) -> {
            UploadPack up = new UploadPack(db);
            up.setRequestPolicy(UploadPack.RequestPolicy.ANY);
            return up;
          });
      daemon.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A repository made of the fixture folder's files in one commit on {@code main}. */
  public String fromFixture(String fixture) {
    return create(fixture + "-" + System.nanoTime(), fixtureDir(fixture));
  }

  public static Path fixtureDir(String fixture) {
    return Path.of("src/test/resources/fixtures", fixture).toAbsolutePath();
  }

  /** Creates a repository with one commit of {@code files}; returns its git:// URL. */
  public String create(String name, Path files) {
    try {
      Path work = dir.resolve(name);
      Files.createDirectories(work);
      copy(files, work);
      Git git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call();
      repos.put(name, git);
      commit(name, "fixture " + files.getFileName());
      return url(name);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes a file and commits it; returns the new commit SHA. */
  public String commitFile(String url, String path, String content) {
    String name = url.substring(url.lastIndexOf('/') + 1);
    try {
      Path file = repos.get(name).getRepository().getWorkTree().toPath().resolve(path);
      Files.createDirectories(file.getParent());
      Files.writeString(file, content);
      return commit(name, "change " + path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Git git(String url) {
    return repos.get(url.substring(url.lastIndexOf('/') + 1));
  }

  private String commit(String name, String message) {
    try {
      Git git = repos.get(name);
      git.add().addFilepattern(".").call();
      PersonIdent who = new PersonIdent("Berth Test", "test@berth.localhost");
      RevCommit c =
          git.commit().setMessage(message).setAuthor(who).setCommitter(who).setSign(false).call();
      return c.name();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public String url(String name) {
    return "git://127.0.0.1:" + daemon.getAddress().getPort() + "/" + name;
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
          target.toFile().setExecutable(p.toFile().canExecute());
        }
      }
    }
  }

  @Override
  public void close() {
    daemon.stop();
    repos.values().forEach(Git::close);
    org.berth.builder.source.GitRepoProvider.clear(dir);
  }
}
