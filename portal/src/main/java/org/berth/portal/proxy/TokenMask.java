package org.berth.portal.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Blanks a server's token out of what the server answers, before it reaches a browser. Jupyter 6.4
 * writes its token into every page it serves (a {@code data-jupyter-api-token} attribute and the
 * logo's {@code ?token=} link); the proxy is what authenticates to the server, so the browser never
 * needs it. The token is replaced by as many {@code x} as it has characters, so that a {@code
 * Content-Length} stays true.
 *
 * <p>Bodies arrive in chunks: a chunk that ends with the beginning of the token is held back until
 * the next one shows whether the token follows (never more than the token's length minus one byte).
 * Only bodies sent without a {@code Content-Encoding} can be read, which is why the proxy forwards
 * requests without {@code Accept-Encoding}. One instance per backend connection, used on its event
 * loop only (not thread-safe).
 */
final class TokenMask {

  private static final byte[] EMPTY = new byte[0];

  private final String text;
  private final byte[] token;
  private final byte[] blank;
  private final ByteBuf needle;
  private byte[] carry = EMPTY;

  TokenMask(String token) {
    if (token == null || token.length() < 8) {
      throw new IllegalArgumentException("a server token has at least 8 characters");
    }
    this.text = token;
    this.token = token.getBytes(StandardCharsets.US_ASCII);
    this.blank = new byte[this.token.length];
    Arrays.fill(blank, (byte) 'x');
    this.needle = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(this.token));
  }

  /** Replaces the token in every header value (a redirect's {@code Location}, say). */
  void headers(HttpHeaders headers) {
    List<Map.Entry<String, String>> entries = headers.entries();
    for (Map.Entry<String, String> e : entries) {
      if (e.getValue().contains(text)) {
        List<String> values =
            headers.getAll(e.getKey()).stream()
                .map(v -> v.replace(text, new String(blank, StandardCharsets.US_ASCII)))
                .toList();
        headers.set(e.getKey(), values);
      }
    }
  }

  /**
   * The part of {@code chunk} (after what was held back before) that may be sent now, with the
   * token blanked out. Takes ownership of {@code chunk}. At the {@code last} chunk of a body,
   * nothing is held back.
   */
  ByteBuf body(ByteBuf chunk, boolean last) {
    if (carry.length == 0 && ByteBufUtil.indexOf(needle, chunk) < 0) {
      int partial = last ? 0 : partialAtEnd(chunk);
      if (partial == 0) {
        return chunk; // the usual case: nothing to change, nothing copied
      }
      carry = new byte[partial];
      int end = chunk.writerIndex();
      chunk.getBytes(end - partial, carry);
      ByteBuf out = chunk.retainedSlice(chunk.readerIndex(), chunk.readableBytes() - partial);
      chunk.release();
      return out;
    }
    byte[] data = new byte[carry.length + chunk.readableBytes()];
    System.arraycopy(carry, 0, data, 0, carry.length);
    chunk.getBytes(chunk.readerIndex(), data, carry.length, chunk.readableBytes());
    chunk.release();
    for (int i = indexOf(data, 0); i >= 0; i = indexOf(data, i + token.length)) {
      System.arraycopy(blank, 0, data, i, blank.length);
    }
    int keep = last ? 0 : partialAtEnd(Unpooled.wrappedBuffer(data));
    carry = keep == 0 ? EMPTY : Arrays.copyOfRange(data, data.length - keep, data.length);
    return Unpooled.wrappedBuffer(data, 0, data.length - keep);
  }

  /** The length of the longest end of {@code buf} that is a beginning of the token. */
  private int partialAtEnd(ByteBuf buf) {
    int readable = buf.readableBytes();
    int end = buf.readerIndex() + readable;
    for (int k = Math.min(token.length - 1, readable); k > 0; k--) {
      boolean match = true;
      for (int j = 0; j < k && match; j++) {
        match = buf.getByte(end - k + j) == token[j];
      }
      if (match) {
        return k;
      }
    }
    return 0;
  }

  private int indexOf(byte[] data, int from) {
    outer:
    for (int i = from; i <= data.length - token.length; i++) {
      for (int j = 0; j < token.length; j++) {
        if (data[i + j] != token[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
