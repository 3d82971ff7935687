package org.berth.portal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * One Berth per data directory: the process holds a lock on {@code berth.lock} in it for as long as
 * it runs. A second Berth started on the same directory is told so in one plain line, instead of
 * failing deep inside the embedded database with a stack trace.
 */
final class DataDirLock {

  static final String FILE = "berth.lock";

  @SuppressWarnings("unused") // held until the process ends; the lock goes with the channel
  private static FileChannel held;

  private DataDirLock() {}

  /**
   * The data directory as Berth will see it: {@code -Dberth.data-dir}, {@code --berth.data-dir=},
   * {@code BERTH_DATA_DIR}, else the default of application.yml.
   */
  static Path dataDir(String[] args) {
    String value = System.getProperty("berth.data-dir");
    for (String arg : args) {
      if (arg.startsWith("--berth.data-dir=")) {
        value = arg.substring("--berth.data-dir=".length());
      }
    }
    if (value == null || value.isBlank()) {
      value = System.getenv("BERTH_DATA_DIR");
    }
    return Path.of(value == null || value.isBlank() ? "/var/lib/berth" : value.strip());
  }

  /**
   * Takes the lock of {@code dir}; empty when it is taken, else the reason it could not be tried.
   *
   * @return the problem in one plain line, or empty when this process now holds the lock
   */
  static synchronized Optional<String> acquire(Path dir) {
    try {
      Files.createDirectories(dir);
      FileChannel channel =
          FileChannel.open(dir.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        channel.close();
        return Optional.of(
            "Another Berth is already running with the data directory "
                + dir
                + ". Stop it first (deploy/local/stop.sh), or give this one its own"
                + " BERTH_DATA_DIR.");
      }
      held = channel;
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of("Berth cannot use its data directory " + dir + ": " + e.getMessage());
    }
  }
}
