package org.berth.portal.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The server's token is blanked out of answers, however they are cut into chunks. */
class TokenMaskTest {

  private static final String TOKEN = "0123456789abcdef0123456789abcdef0123456789abcdef";
  private static final String BLANK = "x".repeat(TOKEN.length());

  @Test
  void aPageKeepsItsLengthWithTheTokenBlanked() {
    String page = "<body data-jupyter-api-token=\"" + TOKEN + "\"><a href=\"/tree?token=" + TOKEN;
    assertEquals(page.replace(TOKEN, BLANK), through(new TokenMask(TOKEN), page.length(), page));
  }

  @Test
  void aTokenSplitAcrossChunksAtEveryPlaceIsStillBlanked() {
    String page = "abc" + TOKEN + "def" + TOKEN.substring(0, 10) + "ghi" + TOKEN;
    String expected = page.replace(TOKEN, BLANK);
    for (int size = 1; size <= page.length(); size++) {
      assertEquals(expected, through(new TokenMask(TOKEN), size, page), "chunks of " + size);
    }
  }

  @Test
  void aChunkWithoutTheTokenPassesThroughUncopied() {
    ByteBuf chunk = Unpooled.copiedBuffer("nothing secret here", StandardCharsets.US_ASCII);
    assertSame(chunk, new TokenMask(TOKEN).body(chunk, false));
    chunk.release();
  }

  @Test
  void aBodyThatEndsWithTheTokensBeginningSendsItAtTheEnd() {
    TokenMask mask = new TokenMask(TOKEN);
    ByteBuf first = mask.body(ascii("tail 0123"), false);
    assertEquals("tail ", first.toString(StandardCharsets.US_ASCII));
    ByteBuf last = mask.body(Unpooled.EMPTY_BUFFER, true);
    assertEquals("0123", last.toString(StandardCharsets.US_ASCII));
  }

  @Test
  void headersAreBlankedToo() {
    HttpHeaders headers = new DefaultHttpHeaders();
    headers.set("Location", "/user/a/s/tree?token=" + TOKEN);
    headers.add("Set-Cookie", "a=1");
    new TokenMask(TOKEN).headers(headers);
    assertEquals("/user/a/s/tree?token=" + BLANK, headers.get("Location"));
    assertEquals("a=1", headers.get("Set-Cookie"));
  }

  @Test
  void theTokenQueryParameterOfABrowserIsNotForwarded() {
    assertEquals("/tree", FrontendHandler.withoutTokenParameter("/tree?token=" + BLANK));
    assertEquals("/tree?a=1&b=2", FrontendHandler.withoutTokenParameter("/tree?a=1&token=x&b=2"));
    assertEquals("/tree?tokens=1", FrontendHandler.withoutTokenParameter("/tree?tokens=1"));
    assertEquals("/api/x", FrontendHandler.withoutTokenParameter("/api/x"));
  }

  private static String through(TokenMask mask, int chunkSize, String body) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < body.length(); i += chunkSize) {
      String piece = body.substring(i, Math.min(body.length(), i + chunkSize));
      boolean last = i + chunkSize >= body.length();
      ByteBuf sent = mask.body(ascii(piece), last);
      out.append(sent.toString(StandardCharsets.US_ASCII));
      sent.release();
    }
    return out.toString();
  }

  private static ByteBuf ascii(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
  }
}
