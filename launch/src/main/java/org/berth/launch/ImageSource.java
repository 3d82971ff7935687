package org.berth.launch;

/**
 * Turns a repository and ref into an image to run, building it when the registry lacks it. The
 * portal implements it with the builder. {@code requester} names who waits for the build, so that
 * only those who asked may cancel it.
 */
public interface ImageSource {

  /**
   * The image of {@code repo} at {@code ref}, waiting for its build if one is needed.
   *
   * @throws LaunchException.ImageUnavailable when it cannot be built, saying why in users' words
   */
  BuiltImage imageOf(String repo, String ref, UserName requester);

  /** An image and the commit it was built from. */
  record BuiltImage(String image, String commit) {}
}
