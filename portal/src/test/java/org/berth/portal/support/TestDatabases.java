package org.berth.portal.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;

/** Database settings for integration tests: the real PostgreSQL, or an embedded H2 file. */
public final class TestDatabases {

  private TestDatabases() {}

  /**
   * The PostgreSQL that {@code deploy/local/setup.sh --for-tests} started. Fails loudly when the
   * environment does not name it, so that a missing database is never a silently skipped test.
   */
  public static Map<String, String> postgres() {
    Map<String, String> p = base();
    p.put("datasources.default.url", required("BERTH_TEST_POSTGRES_URL"));
    p.put("datasources.default.username", required("BERTH_TEST_POSTGRES_USER"));
    p.put("datasources.default.password", required("BERTH_TEST_POSTGRES_PASSWORD"));
    return p;
  }

  /** A fresh embedded H2 file database, as Berth uses by default. */
  public static Map<String, String> h2() {
    return base();
  }

  private static Map<String, String> base() {
    Map<String, String> p = new HashMap<>();
    try {
      p.put("berth.data-dir", Files.createTempDirectory("berth-it").toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    p.put("micronaut.server.port", "-1");
    p.put("berth.proxy.port", "0");
    p.put("berth.accounts.bcrypt-cost", "4");
    return p;
  }

  private static String required(String name) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(
          name
              + " is not set: run the tests through deploy/local/test.sh, which starts PostgreSQL"
              + " and exports its address.");
    }
    return value;
  }
}
