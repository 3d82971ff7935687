package org.berth.builder;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPOutputStream;

/**
 * A CRAN-like repository serving one source package this test makes itself ({@code berthr 0.1},
 * whose {@code answer()} is {@code 42L}): {@code src/contrib/PACKAGES} and the package tarball, at
 * its root and under {@code snapshot/<date>/} for any date (a mirror with dated snapshots, as
 * {@code berth.builder.cran-snapshot-url} describes). Listens on the docker bridge gateway, the
 * only host address build containers reach; remembers the paths asked for.
 */
public final class CranRepository implements AutoCloseable {
  /** The package name and its one function's value. */
  public static final String PACKAGE = "berthr";

  static final String TARBALL = "berthr_0.1.tar.gz";
  private final HttpServer server;
  private final List<String> requests = new CopyOnWriteArrayList<>();

  private final String address;

  /** Serves on {@code address}, e.g. the build network's gateway. */
  public CranRepository(String address) {
    this.address = address;
    byte[] tarball = tarball();
    byte[] index =
        "Package: berthr\nVersion: 0.1\nNeedsCompilation: no\nLicense: MIT\n\n"
            .getBytes(StandardCharsets.UTF_8);
    try {
      server = HttpServer.create(new InetSocketAddress(address, 0), 0);
    } catch (IOException e) {
      throw new IllegalStateException("cannot serve the test CRAN repository on " + address, e);
    }
    server.createContext(
        "/",
        ex -> {
          String path = ex.getRequestURI().getPath();
          requests.add(path);
          String contrib = path.replaceFirst("^/snapshot/\\d{4}-\\d{2}-\\d{2}", "");
          byte[] body =
              switch (contrib) {
                case "/src/contrib/PACKAGES" -> index;
                case "/src/contrib/PACKAGES.gz" -> gzip(index);
                case "/src/contrib/" + TARBALL -> tarball;
                default -> null;
              };
          if (body == null) {
            ex.sendResponseHeaders(404, -1);
          } else {
            ex.getResponseHeaders().add("Content-Type", "application/octet-stream");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
          }
          ex.close();
        });
    server.start();
  }

  /** The repository's address as build containers reach it (no trailing slash). */
  public String url() {
    return "http://" + address + ":" + server.getAddress().getPort();
  }

  /** The snapshot address template ({@code {date}} where the date goes). */
  public String snapshotUrl() {
    return url() + "/snapshot/{date}";
  }

  /** The paths asked for so far, in order. */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  @Override
  public void close() {
    server.stop(0);
  }

  /** The source package as R builds it: {@code berthr/DESCRIPTION}, NAMESPACE and R code. */
  static byte[] tarball() {
    Map<String, String> files = new LinkedHashMap<>();
    files.put(
        "berthr/DESCRIPTION",
        "Package: berthr\nVersion: 0.1\nTitle: Berth Test Package\n"
            + "Description: A package Berth's tests serve from a CRAN-like repository.\n"
            + "License: MIT\nAuthor: Berth\nMaintainer: Berth <berth@example.org>\n"
            + "NeedsCompilation: no\n");
    files.put("berthr/NAMESPACE", "export(answer)\n");
    files.put("berthr/R/answer.R", "answer <- function() 42L\n");
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    List<String> dirs = new ArrayList<>();
    for (String name : files.keySet()) {
      String dir = name.substring(0, name.lastIndexOf('/') + 1);
      if (!dirs.contains(dir)) {
        dirs.add(dir);
        entry(tar, dir, new byte[0], '5');
      }
      entry(tar, name, files.get(name).getBytes(StandardCharsets.UTF_8), '0');
    }
    tar.writeBytes(new byte[1024]);
    return gzip(tar.toByteArray());
  }

  /** One ustar header and its content, padded to 512 bytes. */
  private static void entry(ByteArrayOutputStream tar, String name, byte[] content, char type) {
    byte[] header = new byte[512];
    put(header, 0, name, 100);
    put(header, 100, octal(type == '5' ? 0755 : 0644, 7), 8);
    put(header, 108, octal(0, 7), 8);
    put(header, 116, octal(0, 7), 8);
    put(header, 124, octal(content.length, 11), 12);
    put(header, 136, octal(1_700_000_000L, 11), 12);
    put(header, 148, "        ", 8);
    header[156] = (byte) type;
    put(header, 257, "ustar", 6);
    put(header, 263, "00", 2);
    long sum = 0;
    for (byte b : header) {
      sum += b & 0xff;
    }
    put(header, 148, octal(sum, 6) + "\0 ", 8);
    tar.writeBytes(header);
    tar.writeBytes(content);
    tar.writeBytes(new byte[(512 - content.length % 512) % 512]);
  }

  private static String octal(long value, int digits) {
    String s = Long.toOctalString(value);
    return "0".repeat(Math.max(0, digits - s.length())) + s;
  }

  private static void put(byte[] header, int at, String text, int max) {
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(bytes, 0, header, at, Math.min(bytes.length, max));
  }

  private static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
