package org.berth.builder;

/**
 * Root of every error the builder reports. {@link #failure()} says which part failed, so a user
 * sees whether the git server, the engine, the registry or the recipe is to blame.
 */
public class BuildException extends RuntimeException {
  /** Which part of the system failed. */
  public enum Failure {
    /**
     * The source was refused before any git operation (scheme, host, option-like value), or a
     * Dockerfile download from a host the same rules refuse, before any engine step.
     */
    REFUSED,
    /** The git server, the ref or the repository contents. */
    GIT,
    /** The Docker engine. */
    ENGINE,
    /** The image registry. */
    REGISTRY,
    /** A network the build needed (package index, base image pull). */
    NETWORK,
    /** The repository's own build recipe failed. */
    RECIPE,
    /** The time limit passed. */
    TIMEOUT,
    /** Someone cancelled the build. */
    CANCELLED
  }

  private final Failure failure;

  public BuildException(Failure failure, String message) {
    super(message);
    this.failure = failure;
  }

  public BuildException(Failure failure, String message, Throwable cause) {
    super(message, cause);
    this.failure = failure;
  }

  public Failure failure() {
    return failure;
  }
}
