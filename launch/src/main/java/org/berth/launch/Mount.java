package org.berth.launch;

import java.util.regex.Pattern;

/**
 * One mount of a server as a back end sees it: a back-end volume ({@code source}, e.g. a Docker
 * named volume or a Kubernetes claim), the absolute path inside the server ({@code target}), an
 * optional path inside the volume ({@code subPath}, empty for the whole volume), and whether the
 * server may only read it. Which volumes a server gets, and whether they may be written, is decided
 * above the launcher (homes by the lifecycle, shared volumes by the volumes module); the launcher
 * only carries the decision out.
 */
public record Mount(String target, String source, String subPath, boolean readOnly) {

  private static final Pattern SOURCE = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}");

  public Mount {
    if (target == null || !target.startsWith("/") || target.contains("\0")) {
      throw new IllegalArgumentException("a mount target is an absolute path");
    }
    for (String part : target.split("/")) {
      if (part.equals("..") || part.equals(".")) {
        throw new IllegalArgumentException("a mount target has no '.' or '..' parts");
      }
    }
    if (source == null || !SOURCE.matcher(source).matches()) {
      throw new IllegalArgumentException("a mount source is a volume name");
    }
    subPath = subPath == null ? "" : subPath;
    if (subPath.startsWith("/") || subPath.contains("\0")) {
      throw new IllegalArgumentException("a mount sub-path is relative");
    }
    for (String part : subPath.split("/")) {
      if (part.equals("..") || part.equals(".")) {
        throw new IllegalArgumentException("a mount sub-path has no '.' or '..' parts");
      }
    }
  }

  /** The whole volume, read-write. */
  public static Mount of(String target, String source) {
    return new Mount(target, source, "", false);
  }
}
