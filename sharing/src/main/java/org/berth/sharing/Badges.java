package org.berth.sharing;

/**
 * Berth's launch badge and the snippets that put it on a page: the SVG (served at {@code
 * /badge_logo.svg}, the path mybinder.org uses, and {@code /badge.svg}) and copy-ready Markdown,
 * reStructuredText and HTML that link it to a launch link. Stateless.
 */
public final class Badges {

  /** The badge's text, as people read it on a README. */
  public static final String ALT = "Launch on Berth";

  private Badges() {}

  /** The snippets that show the badge linked to a launch link, ready to paste. */
  public record Snippets(String markdown, String restructuredText, String html) {}

  /**
   * The snippets for a launch link and the badge's address, both absolute URLs. URLs go into the
   * Markdown and reStructuredText as they are (a launch link is already escaped) and into HTML with
   * its special characters escaped.
   */
  public static Snippets snippets(String linkUrl, String badgeUrl) {
    String link = checkUrl(linkUrl);
    String badge = checkUrl(badgeUrl);
    return new Snippets(
        "[![" + ALT + "](" + markdownUrl(badge) + ")](" + markdownUrl(link) + ")",
        ".. image:: " + badge + "\n   :target: " + link + "\n   :alt: " + ALT,
        "<a href=\"" + html(link) + "\"><img src=\"" + html(badge) + "\" alt=\"" + ALT + "\"></a>");
  }

  /**
   * The badge: a two-part label, "launch" and "berth", as a self-contained SVG with no script and
   * no outside reference, so that it renders the same wherever it is shown.
   */
  public static String svg() {
    return """
        <svg xmlns="http://www.w3.org/2000/svg" width="104" height="20" role="img" \
        aria-label="launch: berth">
          <title>launch: berth</title>
          <linearGradient id="s" x2="0" y2="100%">
            <stop offset="0" stop-color="#bbb" stop-opacity=".1"/>
            <stop offset="1" stop-opacity=".1"/>
          </linearGradient>
          <clipPath id="r"><rect width="104" height="20" rx="3" fill="#fff"/></clipPath>
          <g clip-path="url(#r)">
            <rect width="61" height="20" fill="#555"/>
            <rect x="61" width="43" height="20" fill="#0b6e99"/>
            <rect width="104" height="20" fill="url(#s)"/>
          </g>
          <g fill="#fff" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11" \
        text-rendering="geometricPrecision">
            <path d="M7 14.5 L10.5 5.5 L14 14.5 Z M5.5 15.5 H15.5" stroke="#fff" \
        stroke-width="1.2" fill="none"/>
            <text x="20" y="14">launch</text>
            <text x="66" y="14">berth</text>
          </g>
        </svg>
        """;
  }

  private static String checkUrl(String url) {
    if (url == null
        || !(url.startsWith("http://") || url.startsWith("https://"))
        || url.chars().anyMatch(c -> c <= 0x20 || c == 0x7f)) {
      throw new SharingException.Invalid("A badge links an absolute http(s) URL: " + url);
    }
    return url;
  }

  /** Parentheses would end a Markdown link early; escaped they mean the same URL. */
  private static String markdownUrl(String url) {
    return url.replace("(", "%28").replace(")", "%29");
  }

  private static String html(String text) {
    return text.replace("&", "&amp;")
        .replace("\"", "&quot;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("'", "&#39;");
  }
}
