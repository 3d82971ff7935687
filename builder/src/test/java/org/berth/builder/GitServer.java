package org.berth.builder;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.PacketLineIn;
import org.eclipse.jgit.transport.PacketLineOut;
import org.eclipse.jgit.transport.UploadPack;

/**
 * A real git:// server on 127.0.0.1 serving test repositories made from the fixture folders: each
 * connection's request line names a repository, and JGit's {@link UploadPack} answers it (protocol
 * v0). Fetch by SHA is allowed, as on GitHub.
 *
 * <p>Not JGit's {@code Daemon}: its answers stall on this machine's loopback for about 40 ms per
 * fetch (a delayed-ACK stall; it disappears with the route's {@code quickack}), which would be
 * counted against Berth in the build benchmark although real git servers do not do that. The
 * sockets here send without Nagle's delay.
 */
public final class GitServer implements AutoCloseable {
  private final ServerSocket server;
  private final ExecutorService clients = Executors.newCachedThreadPool();
  private final Map<String, Git> repos = new ConcurrentHashMap<>();
  private final Path dir;

  public GitServer() {
    try {
      dir = Files.createTempDirectory("berth-git-server");
      server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Thread acceptor = new Thread(this::accept, "git-server-" + server.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        clients.execute(() -> serve(socket));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(30_000);
      InputStream in = new BufferedInputStream(socket.getInputStream());
      OutputStream out = new BufferedOutputStream(socket.getOutputStream());
      String request = new PacketLineIn(in).readString(); // git-upload-pack /name\0host=...
      String path = request.replaceFirst("^git-upload-pack ", "").split("\0")[0];
      Git git =
          request.startsWith("git-upload-pack ") ? repos.get(path.replaceAll("^/|/$", "")) : null;
      if (git == null) {
        new PacketLineOut(out).writeString("ERR repository not found: " + path + "\n");
        out.flush();
        return;
      }
      UploadPack up = new UploadPack(git.getRepository());
      up.setRequestPolicy(UploadPack.RequestPolicy.ANY);
      up.setTimeout(30);
      up.upload(in, out, null);
      out.flush();
    } catch (IOException e) {
      // the client went away; nothing to serve
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

  /** The working tree of a repository made here: change files in it, then {@link #commitAll}. */
  public Path workTree(String url) {
    return git(url).getRepository().getWorkTree().toPath();
  }

  /** Commits every change of the working tree, deletions included; returns the new commit SHA. */
  public String commitAll(String url, String message) {
    String name = url.substring(url.lastIndexOf('/') + 1);
    try {
      repos.get(name).add().setUpdate(true).addFilepattern(".").call();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return commit(name, message);
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
    return "git://127.0.0.1:" + server.getLocalPort() + "/" + name;
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isSymbolicLink(p)) {
          Files.createSymbolicLink(target, Files.readSymbolicLink(p)); // committed as a link
        } else if (Files.isDirectory(p)) {
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
    try {
      server.close();
    } catch (IOException e) {
      // already closed
    }
    clients.shutdownNow();
    repos.values().forEach(Git::close);
    org.berth.builder.source.GitRepoProvider.clear(dir);
  }
}
