package org.berth.builder;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A PEP 503 simple index serving one wheel this test makes itself ({@code berthwheel 0.1}, whose
 * module has {@code VALUE = 42}). Listens on the gateway of the network builds run on (see {@link
 * BuilderStack#buildNetworkGateway()}), the host's address as build steps see it. The wheel's bytes
 * are the same on every run (stored entries, fixed times), so a fixture's {@code Pipfile.lock} can
 * pin its hash ({@link #WHEEL_SHA256}).
 */
public final class PackageIndex implements AutoCloseable {
  static final String WHEEL = "berthwheel-0.1-py3-none-any.whl";

  /** The wheel's SHA-256, as the pipfile-lock fixture's Pipfile.lock pins it. */
  public static final String WHEEL_SHA256 =
      "262aecfe6ba1a89b11ba363c54d94e87231a747bcbc0db7c32716a9c4c1fd5da";

  private final HttpServer server;
  private final String address;

  /** Serves on {@code address}, e.g. the build network's gateway. */
  public PackageIndex(String address) {
    this.address = address;
    try {
      byte[] wheel = wheel();
      String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(wheel));
      server = HttpServer.create(new InetSocketAddress(address, 0), 0);
      server.createContext(
          "/",
          ex -> {
            String path = ex.getRequestURI().getPath();
            byte[] body;
            String type = "text/html";
            if (path.equals("/simple/") || path.equals("/simple")) {
              body =
                  "<html><body><a href=\"/simple/berthwheel/\">berthwheel</a></body></html>"
                      .getBytes();
            } else if (path.startsWith("/simple/berthwheel")) {
              body =
                  ("<html><body><a href=\"/files/"
                          + WHEEL
                          + "#sha256="
                          + sha
                          + "\">"
                          + WHEEL
                          + "</a></body></html>")
                      .getBytes();
            } else if (path.equals("/files/" + WHEEL)) {
              body = wheel;
              type = "application/octet-stream";
            } else {
              ex.sendResponseHeaders(404, -1);
              ex.close();
              return;
            }
            ex.getResponseHeaders().add("Content-Type", type);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
          });
      server.start();
    } catch (Exception e) {
      throw new IllegalStateException("cannot serve the test package index on " + address, e);
    }
  }

  public String url() {
    return "http://" + address + ":" + server.getAddress().getPort() + "/simple";
  }

  static byte[] wheel() throws IOException {
    String init = "VALUE = 42\n";
    String metadata = "Metadata-Version: 2.1\nName: berthwheel\nVersion: 0.1\n";
    String wheelMeta =
        "Wheel-Version: 1.0\nGenerator: berth-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n";
    String[][] files = {
      {"berthwheel/__init__.py", init},
      {"berthwheel-0.1.dist-info/METADATA", metadata},
      {"berthwheel-0.1.dist-info/WHEEL", wheelMeta}
    };
    StringBuilder record = new StringBuilder();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      for (String[] f : files) {
        byte[] bytes = f[1].getBytes(StandardCharsets.UTF_8);
        zip.putNextEntry(stored(f[0], bytes));
        zip.write(bytes);
        zip.closeEntry();
        String hash = Base64.getUrlEncoder().withoutPadding().encodeToString(sha256(bytes));
        record
            .append(f[0])
            .append(",sha256=")
            .append(hash)
            .append(',')
            .append(bytes.length)
            .append('\n');
      }
      record.append("berthwheel-0.1.dist-info/RECORD,,\n");
      byte[] bytes = record.toString().getBytes(StandardCharsets.UTF_8);
      zip.putNextEntry(stored("berthwheel-0.1.dist-info/RECORD", bytes));
      zip.write(bytes);
      zip.closeEntry();
    }
    return out.toByteArray();
  }

  /** An uncompressed entry with a fixed time: the same bytes on every run and machine. */
  private static ZipEntry stored(String name, byte[] bytes) {
    ZipEntry e = new ZipEntry(name);
    e.setMethod(ZipEntry.STORED);
    e.setSize(bytes.length);
    e.setCompressedSize(bytes.length);
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(bytes);
    e.setCrc(crc.getValue());
    e.setTimeLocal(java.time.LocalDateTime.of(2024, 1, 1, 0, 0));
    return e;
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
