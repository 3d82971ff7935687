package org.berth.launch;

/**
 * Turns what a client asked for into a complete, checked {@link ServerSpec}: defaults applied,
 * resources checked against the limits, the path to open checked, and the image found (built from
 * the repository when one is named).
 */
final class SpecResolver {

  private final ServersSettings settings;
  private final ImageSource images;

  SpecResolver(ServersSettings settings, ImageSource images) {
    this.settings = settings;
    this.images = images;
  }

  /** Everything that can be checked without building; throws what {@link #resolve} would. */
  void precheck(ServerSpec.Request request) {
    resources(request);
    openPath(request.path());
  }

  ServerSpec resolve(ServerSpec.Request request, UserName requester) {
    Resources resources = resources(request);
    String path = openPath(request.path());
    String image = blankToNull(request.image());
    ServerSpec.Source source = ServerSpec.Source.NONE;
    if (request.hasRepo()) {
      String repo = request.repo().strip();
      String ref =
          request.ref() == null || request.ref().isBlank() ? "HEAD" : request.ref().strip();
      ImageSource.BuiltImage built = images.imageOf(repo, ref, requester);
      image = built.image();
      source = new ServerSpec.Source(repo, ref, built.commit());
    }
    if (image == null) {
      image = blankToNull(settings.defaultImage());
    }
    if (image == null) {
      throw new LaunchException.ImageNotAllowed(
          "Give a repository to launch; this Berth has no default image.");
    }
    if (!image.startsWith(settings.allowedImagePrefix()) || image.startsWith("-")) {
      throw new LaunchException.ImageNotAllowed(
          "Only images from " + settings.allowedImagePrefix() + " can be launched.");
    }
    return new ServerSpec(
        source,
        image,
        resources,
        Boolean.TRUE.equals(request.cullingDisabled()),
        path,
        request.mounts(),
        request.context());
  }

  private Resources resources(ServerSpec.Request request) {
    LaunchLimits limits = settings.limits();
    Resources defaults = limits.defaults();
    return limits.check(
        new Resources(
            request.memory() == null || request.memory().isBlank()
                ? defaults.memoryBytes()
                : Resources.parseMemory(request.memory()),
            request.cpus() == null ? defaults.cpus() : request.cpus(),
            request.idleTimeout() == null || request.idleTimeout().isBlank()
                ? defaults.idleTimeout()
                : Durations.parse(request.idleTimeout(), "Idle timeout"),
            limits.maxAge()));
  }

  /**
   * The path to open, relative to the server's home: no {@code ..}, no backslash, no control
   * characters (a CR or LF would end up in a redirect's header).
   */
  static String openPath(String raw) {
    String path = raw == null ? "" : raw.strip();
    if (path.startsWith("/") || path.contains("..") || path.contains("\\")) {
      throw new LaunchException.InvalidPath(
          "The path to open is relative to the server's home, without '..'.");
    }
    if (path.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new LaunchException.InvalidPath(
          "The path to open cannot hold line breaks or other control characters.");
    }
    if (path.length() > 500) {
      throw new LaunchException.InvalidPath("The path to open is too long.");
    }
    return path;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
