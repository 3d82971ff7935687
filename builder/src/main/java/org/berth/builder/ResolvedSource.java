package org.berth.builder;

/**
 * A source whose ref has been resolved to a full commit.
 *
 * @param spec what the user asked for
 * @param commit the full commit SHA
 * @param fetchRef the advertised ref that points at the commit, or the SHA itself
 */
public record ResolvedSource(SourceSpec spec, String commit, String fetchRef) {
  public ResolvedSource {
    if (commit == null || !commit.matches("[0-9a-f]{40}")) {
      throw new IllegalArgumentException("not a full commit SHA: " + commit);
    }
  }

  /** The text the image name is made from. */
  public String canonicalRepo() {
    String url = spec.repoUrl();
    return url.endsWith(".git") ? url.substring(0, url.length() - 4) : url;
  }
}
