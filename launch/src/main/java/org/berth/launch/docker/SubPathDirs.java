package org.berth.launch.docker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.berth.launch.LaunchException;

/**
 * Makes the directory of a sub-path inside a volume's data on this machine, so that it can be
 * bind-mounted (the engine here predates Docker's own volume sub-paths). No part of the path may be
 * a symbolic link or anything but a directory: a link made from inside a server must never point a
 * mount at the host's files. New directories belong to the notebook user.
 */
final class SubPathDirs {

  private SubPathDirs() {}

  /** The real path of {@code sub} below {@code root}, made if missing. */
  static Path prepare(Path root, String sub, int uid, int gid) {
    try {
      Path realRoot = root.toRealPath();
      Path current = realRoot;
      for (String part : sub.split("/")) {
        if (part.isEmpty() || part.equals(".") || part.equals("..")) {
          throw new LaunchException.InvalidMount("The sub-path " + sub + " is not a plain path.");
        }
        current = current.resolve(part);
        if (Files.isSymbolicLink(current)) {
          throw new LaunchException.InvalidMount(
              "The sub-path " + sub + " passes through a link; Berth does not follow links there.");
        }
        if (!Files.exists(current, LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectory(current);
          Files.setAttribute(current, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
          Files.setAttribute(current, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
        } else if (!Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)) {
          throw new LaunchException.InvalidMount(
              "The sub-path " + sub + " names a file, not a directory.");
        }
      }
      Path real = current.toRealPath();
      if (!real.startsWith(realRoot) || !real.equals(current)) {
        throw new LaunchException.InvalidMount(
            "The sub-path " + sub + " leads outside its volume.");
      }
      return real;
    } catch (IOException e) {
      throw new LaunchException(
          "Berth could not prepare the sub-path " + sub + " of a volume: " + e.getMessage(), e);
    }
  }
}
