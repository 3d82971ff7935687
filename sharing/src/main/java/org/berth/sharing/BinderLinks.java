package org.berth.sharing;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Reads Binder launch links as mybinder.org writes them, so that an existing link works on Berth by
 * changing only the host: {@code gh/<owner>/<repo>/<ref>} (the ref may hold {@code /}), {@code
 * gl/<escaped namespace/project>/<ref>}, {@code git/<escaped url>/<ref>} and {@code
 * gist/<user>/<id>[/<ref>]}, a trailing slash after the ref tolerated, escaped characters (spaces)
 * decoded; and {@code urlpath}, {@code labpath} and {@code filepath} mapped to the page to open as
 * BinderHub's own client maps them (for the classic notebook Berth's images run: a file opens under
 * {@code tree/}). A new provider (Zenodo, Figshare, DOI) is one more case that yields a repository
 * the builder's providers know.
 */
public final class BinderLinks {

  private BinderLinks() {}

  /**
   * A launch link read: the provider, the repository as a URL the builder fetches, the ref, and the
   * path to open under the server's base URL (empty: its default page).
   */
  public record Link(String provider, String repo, String ref, String urlPath) {

    /** The same link pinned to a commit: the permanent link. */
    public String pinnedPath(String commit) {
      return path(commit);
    }

    /** The link's path after {@code /v2/} at {@code ref}. */
    public String path(String atRef) {
      String escapedRef = escape(atRef).replace("%2F", "/");
      return switch (provider) {
        case "gh" -> "gh/" + repo.substring("https://github.com/".length()) + "/" + escapedRef;
        case "gl" ->
            "gl/" + escape(repo.substring("https://gitlab.com/".length())) + "/" + escapedRef;
        case "gist" ->
            "gist/"
                + repo.substring("https://gist.github.com/".length()).replaceAll("\\.git$", "")
                + "/"
                + escapedRef;
        default -> "git/" + escape(repo) + "/" + escapedRef;
      };
    }
  }

  /**
   * Reads a link's raw path after {@code /v2/} (still escaped, as the browser sent it) and its
   * query.
   *
   * @throws SharingException.Invalid naming what is wrong with the link
   */
  public static Link parse(String rawPath, Map<String, String> query) {
    String path = rawPath == null ? "" : rawPath;
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    int slash = path.indexOf('/');
    if (slash <= 0) {
      throw new SharingException.Invalid(
          "This is not a launch link: it needs a provider and a repository, such as"
              + " /v2/gh/owner/repository/main.");
    }
    String provider = path.substring(0, slash);
    String[] parts = path.substring(slash + 1).split("/", -1);
    String urlPath = urlPath(query);
    return switch (provider) {
      case "gh" -> {
        if (parts.length < 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
          throw invalid("gh/<owner>/<repository>/<ref>");
        }
        String repo = decode(parts[1]).replaceAll("\\.git$", "");
        yield new Link(
            "gh", "https://github.com/" + decode(parts[0]) + "/" + repo, ref(parts, 2), urlPath);
      }
      case "gl" -> {
        if (parts.length < 1 || parts[0].isEmpty()) {
          throw invalid("gl/<escaped namespace%2Fproject>/<ref>");
        }
        yield new Link("gl", "https://gitlab.com/" + decode(parts[0]), ref(parts, 1), urlPath);
      }
      case "git" -> {
        if (parts.length < 1 || parts[0].isEmpty()) {
          throw invalid("git/<escaped repository URL>/<ref>");
        }
        yield new Link("git", decode(parts[0]), ref(parts, 1), urlPath);
      }
      case "gist" -> {
        if (parts.length < 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
          throw invalid("gist/<user>/<id>[/<ref>]");
        }
        yield new Link(
            "gist",
            "https://gist.github.com/" + decode(parts[0]) + "/" + decode(parts[1]) + ".git",
            ref(parts, 2),
            urlPath);
      }
      default ->
          throw new SharingException.Invalid(
              "Berth does not know the provider '"
                  + provider
                  + "' of this link. It reads gh, gl, git and gist links.");
    };
  }

  /**
   * The page to open: {@code urlpath} as given, else {@code labpath} or {@code filepath} as a file.
   */
  static String urlPath(Map<String, String> query) {
    String url = blankToNull(query.get("urlpath"));
    if (url != null) {
      return url.startsWith("/") ? url.substring(1) : url;
    }
    String file = blankToNull(query.get("labpath"));
    if (file == null) {
      file = blankToNull(query.get("filepath"));
    }
    if (file != null) {
      return "tree/" + (file.startsWith("/") ? file.substring(1) : file);
    }
    return "";
  }

  private static String ref(String[] parts, int from) {
    if (parts.length <= from) {
      return "HEAD";
    }
    StringBuilder ref = new StringBuilder();
    for (int i = from; i < parts.length; i++) {
      if (i > from) {
        ref.append('/');
      }
      ref.append(decode(parts[i]));
    }
    return ref.isEmpty() ? "HEAD" : ref.toString();
  }

  private static SharingException invalid(String shape) {
    return new SharingException.Invalid(
        "This launch link is not complete: it is read as " + shape + ".");
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new SharingException.Invalid("This launch link is badly escaped: " + text);
    }
  }

  static String escape(String text) {
    return java.net.URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
