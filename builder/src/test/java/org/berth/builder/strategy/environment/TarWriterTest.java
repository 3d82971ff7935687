package org.berth.builder.strategy.environment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;

/** The tar writer, read back by an independent reader (Apache Commons Compress). */
class TarWriterTest {
  static byte[] sample() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TarWriter tar = new TarWriter(out, 1);
    tar.directory("home/", 0, 0, 0755);
    tar.directory("home/jovyan", 1000, 100, 0755);
    byte[] data = "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8);
    tar.file("home/jovyan/data.csv", 1000, 100, 0644, data.length, new ByteArrayInputStream(data));
    tar.file("home/jovyan/run.sh", 1000, 100, 0755, 0, new ByteArrayInputStream(new byte[0]));
    String longName = "home/jovyan/" + "deep/".repeat(30) + "données é.txt";
    tar.file(longName, 1000, 100, 0644, 3, new ByteArrayInputStream("xyz".getBytes()));
    tar.symlink("home/jovyan/link", "../" + "far/".repeat(40) + "target", 1000, 100);
    tar.finish();
    assertEquals(out.size(), tar.written());
    return out.toByteArray();
  }

  static List<TarArchiveEntry> read(byte[] tar, List<byte[]> contents) throws IOException {
    List<TarArchiveEntry> entries = new ArrayList<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
      for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
        entries.add(e);
        contents.add(in.readAllBytes());
      }
    }
    return entries;
  }

  @Test
  void theSameEntriesGiveTheSameBytes() throws IOException {
    assertArrayEquals(sample(), sample());
    assertEquals(0, sample().length % TarWriter.BLOCK);
  }

  @Test
  void entriesReadBackWithTheirNamesModesOwnersTimesAndBytes() throws IOException {
    List<byte[]> contents = new ArrayList<>();
    List<TarArchiveEntry> entries = read(sample(), contents);

    assertEquals(6, entries.size());
    TarArchiveEntry home = entries.get(1);
    assertEquals("home/jovyan/", home.getName());
    assertTrue(home.isDirectory());
    assertEquals(0755, home.getMode() & 07777);
    assertEquals(1000, home.getLongUserId());
    assertEquals(100, home.getLongGroupId());
    TarArchiveEntry csv = entries.get(2);
    assertTrue(csv.isFile());
    assertEquals(0644, csv.getMode() & 07777);
    assertEquals(1000L, csv.getLastModifiedDate().getTime());
    assertEquals("a,b\n1,2\n", new String(contents.get(2), StandardCharsets.UTF_8));
    assertEquals(0755, entries.get(3).getMode() & 07777);
    assertEquals(
        "home/jovyan/" + "deep/".repeat(30) + "données é.txt",
        entries.get(4).getName(),
        "long and non-ASCII names travel in a PAX header");
    assertEquals("xyz", new String(contents.get(4), StandardCharsets.UTF_8));
    TarArchiveEntry link = entries.get(5);
    assertTrue(link.isSymbolicLink());
    assertEquals("../" + "far/".repeat(40) + "target", link.getLinkName());
    assertEquals("", link.getUserName());
    assertEquals("", entries.get(0).getLinkName());
  }

  @Test
  void aFileShorterOrLongerThanItsSizeIsAnError() {
    TarWriter tar = new TarWriter(new ByteArrayOutputStream(), 1);
    assertThrows(
        IOException.class,
        () -> tar.file("short", 0, 0, 0644, 10, new ByteArrayInputStream(new byte[3])));
    TarWriter other = new TarWriter(new ByteArrayOutputStream(), 1);
    assertThrows(
        IOException.class,
        () -> other.file("long", 0, 0, 0644, 2, new ByteArrayInputStream(new byte[3])));
  }

  @Test
  void paxRecordLengthsCountThemselves() {
    // " a=bcd\n" is 7 bytes, plus the one digit of the length: 8
    assertEquals("8 a=bcd\n", new String(TarWriter.paxRecords(Map.of("a", "bcd"))));
    // 98 bytes of body + 2 digits = 100: the length grows a digit
    String value = "v".repeat(94);
    String record = new String(TarWriter.paxRecords(Map.of("k", value)));
    assertEquals(record.length(), Integer.parseInt(record.substring(0, record.indexOf(' '))));
  }
}
