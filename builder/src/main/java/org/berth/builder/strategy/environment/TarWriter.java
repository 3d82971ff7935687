package org.berth.builder.strategy.environment;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a tar archive whose bytes depend only on what is put in it: POSIX ustar headers with fixed
 * times and no user or group names, and a PAX header only where ustar cannot say it (long or
 * non-ASCII names and link targets, sizes of 8 GiB and more). The same entries in the same order
 * always give the same bytes, on any machine.
 */
final class TarWriter {
  static final int BLOCK = 512;
  private static final int NAME = 100;
  private static final long MAX_OCTAL_SIZE = 077777777777L;

  private final OutputStream out;
  private final long mtime;
  private long written;

  /**
   * @param mtime the modification time of every entry, seconds since the epoch
   */
  TarWriter(OutputStream out, long mtime) {
    this.out = out;
    this.mtime = mtime;
  }

  void directory(String name, int uid, int gid, int mode) throws IOException {
    header(name.endsWith("/") ? name : name + "/", uid, gid, 040000 | mode, 0, '5', "");
  }

  void symlink(String name, String target, int uid, int gid) throws IOException {
    header(name, uid, gid, 0120777, 0, '2', target);
  }

  /**
   * A regular file of exactly {@code size} bytes from {@code content}.
   *
   * @throws IOException also when {@code content} holds more or fewer bytes than {@code size}
   */
  void file(String name, int uid, int gid, int mode, long size, InputStream content)
      throws IOException {
    header(name, uid, gid, 0100000 | mode, size, '0', "");
    byte[] buffer = new byte[64 * 1024];
    long left = size;
    while (left > 0) {
      int n = content.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (n < 0) {
        throw new IOException(name + " ended " + left + " bytes before its size of " + size);
      }
      out.write(buffer, 0, n);
      left -= n;
    }
    if (content.read() >= 0) {
      throw new IOException(name + " is longer than its size of " + size);
    }
    written += size;
    pad();
  }

  /** The end-of-archive marker: two zero blocks. */
  void finish() throws IOException {
    out.write(new byte[2 * BLOCK]);
    written += 2 * BLOCK;
    out.flush();
  }

  /** Bytes written so far. */
  long written() {
    return written;
  }

  /** How many bytes a file of {@code size} bytes takes, header included (no PAX header). */
  static long sizeOf(long size) {
    return BLOCK + (size + BLOCK - 1) / BLOCK * BLOCK;
  }

  private void header(
      String name, int uid, int gid, int mode, long size, char type, String linkName)
      throws IOException {
    Map<String, String> pax = new LinkedHashMap<>();
    if (!fits(name)) {
      pax.put("path", name);
    }
    if (!fits(linkName)) {
      pax.put("linkpath", linkName);
    }
    if (size > MAX_OCTAL_SIZE) {
      pax.put("size", Long.toString(size));
    }
    if (!pax.isEmpty()) {
      byte[] records = paxRecords(pax);
      block("PaxHeader", 0, 0, 0100644, records.length, 'x', "");
      out.write(records);
      written += records.length;
      pad(records.length);
    }
    block(name, uid, gid, mode, size > MAX_OCTAL_SIZE ? 0 : size, type, linkName);
  }

  private void block(String name, int uid, int gid, int mode, long size, char type, String linkName)
      throws IOException {
    byte[] h = new byte[BLOCK];
    put(h, 0, NAME, ascii(name));
    octal(h, 100, 8, mode & 07777);
    octal(h, 108, 8, uid);
    octal(h, 116, 8, gid);
    octal(h, 124, 12, size);
    octal(h, 136, 12, mtime);
    Arrays.fill(h, 148, 156, (byte) ' ');
    h[156] = (byte) type;
    put(h, 157, NAME, ascii(linkName));
    put(h, 257, 6, "ustar\0".getBytes(StandardCharsets.US_ASCII));
    put(h, 263, 2, "00".getBytes(StandardCharsets.US_ASCII));
    octal(h, 329, 8, 0);
    octal(h, 337, 8, 0);
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    byte[] check = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(check, 0, h, 148, 8);
    out.write(h);
    written += BLOCK;
  }

  /** Whether ustar's 100-byte field holds the text as it is. */
  private static boolean fits(String text) {
    return text.length() <= NAME && StandardCharsets.US_ASCII.newEncoder().canEncode(text);
  }

  /** The text cut to what ustar's field holds (the PAX header carries the whole of it). */
  private static byte[] ascii(String text) {
    byte[] bytes = text.replaceAll("[^\\x20-\\x7e]", "_").getBytes(StandardCharsets.US_ASCII);
    return bytes.length <= NAME ? bytes : Arrays.copyOf(bytes, NAME);
  }

  /** PAX records: {@code "<length> <key>=<value>\n"}, the length counting itself. */
  static byte[] paxRecords(Map<String, String> values) {
    StringBuilder all = new StringBuilder();
    for (Map.Entry<String, String> e : values.entrySet()) {
      String body = " " + e.getKey() + "=" + e.getValue() + "\n";
      int bytes = body.getBytes(StandardCharsets.UTF_8).length;
      int length = bytes + String.valueOf(bytes).length();
      if (String.valueOf(length).length() != String.valueOf(bytes).length()) {
        length++; // the length's own digits pushed it over a power of ten
      }
      all.append(length).append(body);
    }
    return all.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void put(byte[] h, int at, int max, byte[] bytes) {
    System.arraycopy(bytes, 0, h, at, Math.min(max, bytes.length));
  }

  private static void octal(byte[] h, int at, int width, long value) {
    String digits = Long.toOctalString(value);
    String padded = "0".repeat(Math.max(0, width - 1 - digits.length())) + digits;
    put(h, at, width - 1, padded.getBytes(StandardCharsets.US_ASCII));
    h[at + width - 1] = 0;
  }

  private void pad() throws IOException {
    pad(written);
  }

  private void pad(long length) throws IOException {
    int rest = (int) (length % BLOCK);
    if (rest != 0) {
      out.write(new byte[BLOCK - rest]);
      written += BLOCK - rest;
    }
  }
}
