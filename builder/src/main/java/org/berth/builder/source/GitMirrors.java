package org.berth.builder.source;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.berth.builder.BuildException;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The persistent bare mirrors of fetched repositories: one per repository under the cache
 * directory, named by a hash of the repository's URL. Work on a mirror runs under its lock, so two
 * fetches of one repository take turns while different repositories run in parallel. The locks are
 * held in this process only: one Berth process per cache directory.
 *
 * <p>After each use one background thread tidies up: a mirror with more than {@value #MAX_PACKS}
 * packs (one comes with each fetch) is repacked under its lock, and while the mirrors together are
 * larger than the cache's limit the least recently used ones not in use are deleted.
 */
final class GitMirrors {
  static final int MAX_PACKS = 20;

  private static final Logger LOG = LoggerFactory.getLogger(GitMirrors.class);
  private static final Map<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

  /**
   * Readers of a mirror's objects (builds writing content layers) share its read lock; repacking
   * and eviction, which delete objects, take the write lock and skip a mirror being read. Fetches
   * only add objects, so they run alongside readers.
   */
  private static final Map<Path, ReentrantReadWriteLock> READERS = new ConcurrentHashMap<>();

  private static final ExecutorService HOUSEKEEPING =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "berth-git-mirrors");
            t.setDaemon(true);
            return t;
          });

  private final Path cacheDir;
  private final long maxBytes;
  private final Set<Path> queued = ConcurrentHashMap.newKeySet();
  private final Map<Path, Long> sizes = new ConcurrentHashMap<>();
  private volatile boolean seeded;

  GitMirrors(Path cacheDir, long maxBytes) {
    this.cacheDir = cacheDir.toAbsolutePath().normalize();
    this.maxBytes = maxBytes;
  }

  /** What runs on a mirror under its lock. */
  interface Work<T> {
    T run(Path mirror);
  }

  /**
   * Runs {@code work} on the repository's mirror (its directory may not exist yet) under the
   * mirror's lock, waiting for the lock no longer than the fetch's time limit.
   */
  <T> T locked(String repo, FetchLimits limits, Work<T> work) {
    Path dir = dirOf(repo);
    ReentrantLock lock = lockOf(dir);
    try {
      if (!lock.tryLock(Math.max(0, limits.nanosLeft()), TimeUnit.NANOSECONDS)) {
        throw limits.timedOut();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw limits.cancelled();
    }
    try (HeldLock ignored = lockFile(dir, limits)) {
      touch(dir);
      return work.run(dir);
    } catch (IOException e) {
      throw new BuildException(
          BuildException.Failure.GIT, "cannot lock the git mirror " + dir + ": " + e, e);
    } finally {
      lock.unlock();
      tidyLater(dir);
    }
  }

  /**
   * Keeps the repository's mirror from being repacked or evicted until the result is closed, in the
   * same thread, while its objects are read; any number of readers at once, alongside a fetch.
   *
   * @throws BuildException when the mirror is gone
   */
  Held read(String repo, FetchLimits limits) {
    Path dir = dirOf(repo);
    ReentrantReadWriteLock.ReadLock lock = readersOf(dir).readLock();
    try {
      if (!lock.tryLock(Math.max(0, limits.nanosLeft()), TimeUnit.NANOSECONDS)) {
        throw limits.timedOut();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw limits.cancelled();
    }
    if (!Files.isRegularFile(dir.resolve("config"))) {
      lock.unlock();
      throw new BuildException(
          BuildException.Failure.GIT, "the git mirror of " + repo + " is gone; build again");
    }
    return lock::unlock;
  }

  private static ReentrantReadWriteLock readersOf(Path dir) {
    return READERS.computeIfAbsent(dir, d -> new ReentrantReadWriteLock());
  }

  /** A held mirror lock; closing releases it. */
  interface Held extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Takes the mirror's lock file, which keeps another Berth process (sharing the cache directory)
   * off the mirror; waits no longer than the fetch's time limit. Without limits it does not wait:
   * it returns {@code null} when another process holds the lock.
   */
  private static HeldLock lockFile(Path dir, FetchLimits limits) throws IOException {
    Files.createDirectories(dir.getParent());
    FileChannel channel =
        FileChannel.open(
            dir.resolveSibling(dir.getFileName() + ".lock"),
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE);
    try {
      while (true) {
        if (channel.tryLock() != null) {
          return new HeldLock(channel);
        }
        if (limits == null) {
          channel.close();
          return null;
        }
        limits.check();
        Thread.sleep(10);
      }
    } catch (InterruptedException e) {
      channel.close();
      Thread.currentThread().interrupt();
      throw limits.cancelled();
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** A held lock file; closing releases it. */
  private record HeldLock(FileChannel channel) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  Path dirOf(String repo) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(repo.getBytes(StandardCharsets.UTF_8));
      return cacheDir.resolve(HexFormat.of().formatHex(hash));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Opens the mirror in {@code dir}, creating an empty bare repository when there is none. */
  static Repository openOrCreate(Path dir) throws IOException, GitAPIException {
    if (Files.isRegularFile(dir.resolve("config"))) {
      return new FileRepositoryBuilder().setGitDir(dir.toFile()).setMustExist(true).build();
    }
    Files.createDirectories(dir.getParent());
    return Git.init().setBare(true).setDirectory(dir.toFile()).call().getRepository();
  }

  private static ReentrantLock lockOf(Path dir) {
    return LOCKS.computeIfAbsent(dir, d -> new ReentrantLock());
  }

  /** Marks the mirror as used now; eviction goes by this time. */
  private static void touch(Path dir) {
    try {
      if (Files.isDirectory(dir)) {
        Files.setLastModifiedTime(dir, FileTime.fromMillis(System.currentTimeMillis()));
      }
    } catch (IOException e) {
      LOG.debug("could not touch {}: {}", dir, e.toString());
    }
  }

  private void tidyLater(Path dir) {
    if (queued.add(dir)) {
      HOUSEKEEPING.execute(
          () -> {
            queued.remove(dir);
            try {
              repackIfNeeded(dir);
              evict(dir);
            } catch (RuntimeException e) {
              LOG.warn("tidying the git mirrors in {} failed: {}", cacheDir, e.toString());
            }
          });
    }
  }

  private static int packCount(Path dir) {
    try (DirectoryStream<Path> packs =
        Files.newDirectoryStream(dir.resolve("objects/pack"), "*.pack")) {
      int n = 0;
      for (Path ignored : packs) {
        n++;
      }
      return n;
    } catch (IOException e) {
      return 0;
    }
  }

  private static void repackIfNeeded(Path dir) {
    if (packCount(dir) <= MAX_PACKS) {
      return;
    }
    ReentrantLock lock = lockOf(dir);
    ReentrantReadWriteLock.WriteLock unread = readersOf(dir).writeLock();
    if (!unread.tryLock()) {
      return; // being read: next time
    }
    lock.lock();
    try (HeldLock file = lockFile(dir, null)) {
      if (file == null || packCount(dir) <= MAX_PACKS) {
        return; // another process has it
      }
      try (Repository repo = openOrCreate(dir)) {
        // Only this process uses the mirror, under its lock: replaced packs can go at once.
        repo.getConfig().setString("gc", null, "prunePackExpire", "now");
        Git.wrap(repo).gc().setExpire(new Date()).call();
        // Commits the repack dropped are no longer shallow boundaries of anything.
        Set<ObjectId> shallow = new HashSet<>();
        for (ObjectId id : repo.getObjectDatabase().getShallowCommits()) {
          if (repo.getObjectDatabase().has(id)) {
            shallow.add(id);
          }
        }
        if (shallow.size() < repo.getObjectDatabase().getShallowCommits().size()) {
          repo.getObjectDatabase().setShallowCommits(shallow);
        }
      }
      LOG.info("repacked git mirror {} ({} packs left)", dir.getFileName(), packCount(dir));
    } catch (IOException | GitAPIException | RuntimeException e) {
      LOG.warn("repacking git mirror {} failed, deleting it: {}", dir.getFileName(), e.toString());
      GitRepoProvider.clear(dir);
    } finally {
      lock.unlock();
      unread.unlock();
    }
  }

  /**
   * Deletes the least recently used mirrors while all of them together are over the limit. The
   * sizes are measured once per mirror use (the one just used), after one walk of the whole cache
   * when this process first tidies up.
   */
  private void evict(Path used) {
    if (!seeded) {
      seeded = true;
      for (Path d : mirrorDirs()) {
        sizes.put(d, GitRepoProvider.sizeOf(d));
      }
    }
    if (Files.isDirectory(used)) {
      sizes.put(used, GitRepoProvider.sizeOf(used));
    } else {
      sizes.remove(used);
    }
    long total = sizes.values().stream().mapToLong(Long::longValue).sum();
    if (total <= maxBytes) {
      return;
    }
    List<Path> byUse = new ArrayList<>(sizes.keySet());
    byUse.sort(Comparator.comparingLong(GitMirrors::lastUsed));
    for (Path dir : byUse) {
      if (total <= maxBytes) {
        return;
      }
      ReentrantLock lock = lockOf(dir);
      ReentrantReadWriteLock.WriteLock unread = readersOf(dir).writeLock();
      if (!unread.tryLock()) {
        continue; // being read
      }
      if (!lock.tryLock()) {
        unread.unlock();
        continue; // in use
      }
      try (HeldLock file = lockFile(dir, null)) {
        if (file == null) {
          continue; // in use by another process
        }
        long bytes = sizes.getOrDefault(dir, 0L);
        GitRepoProvider.clear(dir);
        sizes.remove(dir);
        total -= bytes;
        LOG.info(
            "evicted git mirror {} ({} bytes) to keep {} under {} bytes",
            dir.getFileName(),
            bytes,
            cacheDir,
            maxBytes);
      } catch (IOException e) {
        LOG.warn("cannot evict git mirror {}: {}", dir.getFileName(), e.toString());
      } finally {
        lock.unlock();
        unread.unlock();
      }
    }
  }

  private List<Path> mirrorDirs() {
    List<Path> found = new ArrayList<>();
    if (!Files.isDirectory(cacheDir)) {
      return found;
    }
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(cacheDir)) {
      for (Path d : dirs) {
        if (d.getFileName().toString().matches("[0-9a-f]{64}") && Files.isDirectory(d)) {
          found.add(d);
        }
      }
    } catch (IOException e) {
      LOG.warn("cannot list git mirrors in {}: {}", cacheDir, e.toString());
    }
    return found;
  }

  private static long lastUsed(Path dir) {
    try {
      return Files.getLastModifiedTime(dir).toMillis();
    } catch (IOException e) {
      return 0;
    }
  }
}
