package org.berth.launch;

/**
 * Puts small files into running servers and takes them out again, for the credentials hand-over. A
 * file lives on a small in-memory volume of the server's own, so it is gone whenever the server
 * stops, whatever stopped it. Implementations are thread-safe.
 */
public interface ServerFiles {

  /**
   * The in-memory volume of a server, made if missing, to be mounted at {@code target}: readable
   * and writable by the server's user only.
   */
  Mount memoryVolume(String serverId, String target);

  /**
   * Writes {@code content} to {@code path} (on the memory volume) in the running server, replacing
   * the file in one step, readable by the server's user only.
   *
   * @throws LaunchException when the server cannot be written to
   */
  void write(LaunchHandle handle, String path, byte[] content);

  /** Removes the file, if the server runs and has it. */
  void delete(LaunchHandle handle, String path);

  /** Removes the server's memory volume, if there is one. */
  void discard(String serverId);
}
