package org.berth.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BadgesTest {

  static final String LINK = "https://berth.example/v2/gh/o/r/main?urlpath=tree%2Fa.ipynb&x=1";
  static final String BADGE = "https://berth.example/badge_logo.svg";

  @Test
  void snippetsLinkTheBadgeToTheLaunchInEachMarkup() {
    Badges.Snippets s = Badges.snippets(LINK, BADGE);
    assertEquals("[![Launch on Berth](" + BADGE + ")](" + LINK + ")", s.markdown());
    assertEquals(
        ".. image:: " + BADGE + "\n   :target: " + LINK + "\n   :alt: Launch on Berth",
        s.restructuredText());
    assertEquals(
        "<a href=\"https://berth.example/v2/gh/o/r/main?urlpath=tree%2Fa.ipynb&amp;x=1\">"
            + "<img src=\""
            + BADGE
            + "\" alt=\"Launch on Berth\"></a>",
        s.html());
  }

  @Test
  void aLinkCannotBreakOutOfItsMarkup() {
    Badges.Snippets s =
        Badges.snippets("https://b.example/v2/git/x%22%3E/m?a=\"><script>(1)", BADGE);
    assertFalse(s.html().contains("<script>"), s.html());
    assertTrue(
        s.html().startsWith("<a href=\"https://b.example/v2/git/x%22%3E/m?a=&quot;&gt;&lt;script"),
        s.html());
    assertTrue(s.markdown().endsWith("%281%29)"), s.markdown());
    assertThrows(
        SharingException.Invalid.class, () -> Badges.snippets("javascript:alert(1)", BADGE));
    assertThrows(
        SharingException.Invalid.class, () -> Badges.snippets("https://b.example/a b", BADGE));
  }

  @Test
  void theBadgeIsAPlainSvgWithNothingToRun() {
    String svg = Badges.svg();
    assertTrue(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\""), svg);
    assertTrue(svg.contains("launch") && svg.contains("berth"));
    assertFalse(svg.contains("<script") || svg.contains("href"), svg);
  }
}
