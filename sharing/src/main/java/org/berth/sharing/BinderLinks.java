package org.berth.sharing;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.berth.launch.ServerName;

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

    public Link {
      urlPath = urlPath == null ? "" : urlPath;
    }

    /**
     * The link to the same launch on Berth, absolute from the portal's root: {@code /v2/<path>}
     * and, when there is a path to open, {@code ?urlpath=}.
     */
    public String href() {
      return hrefAt(ref);
    }

    /** The permanent link: {@link #href()} pinned to a commit. */
    public String permanentHref(String commit) {
      return hrefAt(commit);
    }

    private String hrefAt(String atRef) {
      return "/v2/" + path(atRef) + (urlPath.isEmpty() ? "" : "?urlpath=" + escape(urlPath));
    }

    /** The name of the server a launch from this link makes: the repository's, as BinderHub. */
    public ServerName serverName() {
      String trimmed = repo.replaceAll("/+$", "").replaceAll("\\.git$", "");
      return ServerName.suggest(trimmed.substring(trimmed.lastIndexOf('/') + 1), "binder");
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

  private static final Pattern GITHUB =
      Pattern.compile("https?://(?:www\\.)?github\\.com/([^/?#]+)/([^/?#]+?)(?:\\.git)?/?");
  private static final Pattern GITHUB_TREE =
      Pattern.compile("https?://(?:www\\.)?github\\.com/([^/?#]+)/([^/?#]+?)/tree/(.+?)/?");
  private static final Pattern GITLAB =
      Pattern.compile("https?://gitlab\\.com/([^?#]+?)(?:\\.git)?/?");
  private static final Pattern GIST =
      Pattern.compile("https?://gist\\.github\\.com/([^/?#]+)/([0-9a-fA-F]+)(?:\\.git)?/?");

  /**
   * The link that launches a repository (as a URL the builder fetches) at a ref: a {@code gh},
   * {@code gl} or {@code gist} link for those hosts, else a {@code git} link. The provider seam: a
   * Zenodo, Figshare or DOI record is one more case here and in {@link #parse}, with a builder
   * {@code RepoProvider} that resolves and fetches it.
   */
  public static Link forRepo(String repoUrl, String ref, String urlPath) {
    String url = repoUrl == null ? "" : repoUrl.strip();
    if (url.isEmpty()) {
      throw new SharingException.Invalid("Give a repository to link to.");
    }
    String at = ref == null || ref.isBlank() ? "HEAD" : ref.strip();
    String open = checkUrlPath(urlPath);
    Matcher m;
    if ((m = GITHUB.matcher(url)).matches()) {
      return new Link("gh", "https://github.com/" + m.group(1) + "/" + m.group(2), at, open);
    }
    if ((m = GIST.matcher(url)).matches()) {
      return new Link(
          "gist", "https://gist.github.com/" + m.group(1) + "/" + m.group(2) + ".git", at, open);
    }
    if ((m = GITLAB.matcher(url)).matches() && m.group(1).contains("/")) {
      return new Link("gl", "https://gitlab.com/" + m.group(1), at, open);
    }
    return new Link("git", url, at, open);
  }

  /**
   * What someone pasted into the link generator or the front page's box: an existing Binder link on
   * any host ({@code https://mybinder.org/v2/gh/...?urlpath=...}), a Binder path ({@code
   * gh/owner/repo/ref}), a GitHub page of a branch ({@code .../tree/<ref>}), or a repository URL
   * (launched at HEAD).
   *
   * @throws SharingException.Invalid when it is none of these
   */
  public static Link fromPasted(String text) {
    String t = text == null ? "" : text.strip();
    if (t.isEmpty()) {
      throw new SharingException.Invalid(
          "Paste a repository URL (such as https://github.com/owner/repository) or a Binder"
              + " link.");
    }
    if (t.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new SharingException.Invalid("A link cannot hold line breaks or control characters.");
    }
    int v2 = t.indexOf("/v2/");
    if (v2 >= 0 && (t.startsWith("http://") || t.startsWith("https://") || v2 == 0)) {
      String rest = t.substring(v2 + "/v2/".length());
      int hash = rest.indexOf('#');
      if (hash >= 0) {
        rest = rest.substring(0, hash);
      }
      int q = rest.indexOf('?');
      return parse(
          q < 0 ? rest : rest.substring(0, q), q < 0 ? Map.of() : query(rest.substring(q + 1)));
    }
    String lower = t.toLowerCase(Locale.ROOT);
    if (lower.startsWith("gh/")
        || lower.startsWith("gl/")
        || lower.startsWith("gist/")
        || lower.startsWith("git/")) {
      return parse(t, Map.of());
    }
    Matcher tree = GITHUB_TREE.matcher(t);
    if (tree.matches()) {
      return new Link(
          "gh", "https://github.com/" + tree.group(1) + "/" + tree.group(2), tree.group(3), "");
    }
    if (!(lower.startsWith("https://")
        || lower.startsWith("http://")
        || lower.startsWith("git://")
        || lower.startsWith("ssh://")
        || t.matches("[^@\\s]+@[^:\\s]+:.+"))) {
      throw new SharingException.Invalid(
          "'"
              + t
              + "' is not a repository URL or a Binder link. Paste something like"
              + " https://github.com/owner/repository or https://mybinder.org/v2/gh/owner/repository/HEAD.");
    }
    return forRepo(t, "HEAD", "");
  }

  /** A query string's parameters, decoded (the first value of each name). */
  static Map<String, String> query(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String part : raw.split("&")) {
      if (part.isEmpty()) {
        continue;
      }
      int eq = part.indexOf('=');
      String name = decodeQuery(eq < 0 ? part : part.substring(0, eq));
      String value = eq < 0 ? "" : decodeQuery(part.substring(eq + 1));
      out.putIfAbsent(name, value);
    }
    return out;
  }

  private static String decodeQuery(String text) {
    try {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new SharingException.Invalid("This link's query is badly escaped: " + text);
    }
  }

  /**
   * A path to open under a server's base URL as a link gives it, checked: relative, no {@code .} or
   * {@code ..} segment, no empty segment, no backslash, no control character or whitespace other
   * than spaces, at most 500 characters. Empty stays empty.
   *
   * @throws SharingException.Invalid naming what is wrong
   */
  public static String checkUrlPath(String raw) {
    String p = raw == null ? "" : raw.strip();
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    if (p.isEmpty()) {
      return "";
    }
    if (p.length() > 500) {
      throw new SharingException.Invalid("The path this link opens is too long.");
    }
    if (p.chars()
        .anyMatch(
            c -> c < 0x20 || c == 0x7f || c == '\\' || (Character.isWhitespace(c) && c != ' '))) {
      throw new SharingException.Invalid(
          "The path this link opens holds a backslash or a control character.");
    }
    String path = p.split("[?#]", 2)[0];
    for (String segment : path.split("/", -1)) {
      if (segment.equals("..") || segment.equals(".")) {
        throw new SharingException.Invalid(
            "The path this link opens cannot hold '.' or '..' parts: " + p);
      }
    }
    if (path.contains("//")) {
      throw new SharingException.Invalid("The path this link opens has an empty part: " + p);
    }
    return p;
  }

  /**
   * A checked path to open (see {@link #checkUrlPath}) as it goes into a URL: characters a URL
   * cannot carry as they are (spaces, {@code %}, {@code "}, {@code #}, non-ASCII) percent-encoded,
   * its slashes and query kept.
   */
  public static String escapePath(String urlPath) {
    StringBuilder out = new StringBuilder();
    for (byte b : checkUrlPath(urlPath).getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "-._~!$&'()*+,;=:@/?".indexOf(c) >= 0) {
        out.append((char) c);
      } else {
        out.append('%').append(String.format("%02X", c));
      }
    }
    return out.toString();
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
      return checkUrlPath(url);
    }
    String file = blankToNull(query.get("labpath"));
    if (file == null) {
      file = blankToNull(query.get("filepath"));
    }
    if (file != null) {
      String checked = checkUrlPath(file);
      return checked.isEmpty() ? "" : "tree/" + checked;
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
