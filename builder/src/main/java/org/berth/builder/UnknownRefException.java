package org.berth.builder;

/** The ref does not exist in the repository. */
public class UnknownRefException extends BuildException {
  private final String repo;
  private final String ref;

  public UnknownRefException(String repo, String ref, String detail) {
    super(
        Failure.GIT,
        "ref '" + ref + "' not found in " + repo + (detail.isEmpty() ? "" : ": " + detail));
    this.repo = repo;
    this.ref = ref;
  }

  public String repo() {
    return repo;
  }

  public String ref() {
    return ref;
  }
}
