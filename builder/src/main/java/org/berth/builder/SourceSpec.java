package org.berth.builder;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * What to build: a repository and a ref, as given by the user (the ref is not yet resolved).
 *
 * @param provider {@code git}, {@code gh} or {@code gl} for git sources; other providers later
 * @param repoUrl the git URL to fetch from
 * @param ref branch, tag, full or short SHA, or {@code HEAD}
 */
public record SourceSpec(String provider, String repoUrl, String ref) {
  public SourceSpec {
    if (provider == null || provider.isBlank()) {
      throw new SourceRefusedException("source provider is missing");
    }
    if (repoUrl == null || repoUrl.isBlank()) {
      throw new SourceRefusedException("repository is missing");
    }
    repoUrl = repoUrl.strip();
    ref = ref == null || ref.isBlank() ? "HEAD" : ref.strip();
  }

  /** A plain git URL (https, http, git, ssh or scp-like) and a ref; a blank ref means HEAD. */
  public static SourceSpec of(String repoUrl, String ref) {
    return new SourceSpec("git", repoUrl, ref);
  }

  /**
   * Either a Binder spec ({@code gh/<owner>/<repo>/<ref>}, {@code gl/<escaped project>/<ref>},
   * {@code git/<escaped url>/<ref>}) or a plain git URL with the ref given separately.
   */
  public static SourceSpec parse(String repoOrSpec, String ref) {
    String text = repoOrSpec == null ? "" : repoOrSpec.strip();
    int slash = text.indexOf('/');
    if (slash > 0 && !text.contains("://") && !text.contains("@")) {
      String provider = text.substring(0, slash);
      if (provider.equals("gh") || provider.equals("gl") || provider.equals("git")) {
        return parseBinder(provider, text.substring(slash + 1));
      }
    }
    return of(text, ref);
  }

  /** A BinderHub {@code /build/<provider>/<spec>} pair. */
  public static SourceSpec parseBinder(String provider, String spec) {
    int last = spec.lastIndexOf('/');
    if (last <= 0 || last == spec.length() - 1) {
      throw new SourceRefusedException(
          "spec needs a ref after the last '/': " + provider + "/" + spec);
    }
    String path = spec.substring(0, last);
    String ref = decode(spec.substring(last + 1));
    switch (provider) {
      case "gh" -> {
        String[] parts = path.split("/");
        if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
          throw new SourceRefusedException("gh spec must be gh/<owner>/<repo>/<ref>: " + spec);
        }
        String repo =
            parts[1].endsWith(".git") ? parts[1].substring(0, parts[1].length() - 4) : parts[1];
        return new SourceSpec("gh", "https://github.com/" + parts[0] + "/" + repo, ref);
      }
      case "gl" -> {
        String project = decode(path);
        return new SourceSpec("gl", "https://gitlab.com/" + project, ref);
      }
      case "git" -> {
        return new SourceSpec("git", decode(path), ref);
      }
      default -> throw new SourceRefusedException("unknown source provider: " + provider);
    }
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new SourceRefusedException("badly escaped spec: " + text);
    }
  }
}
