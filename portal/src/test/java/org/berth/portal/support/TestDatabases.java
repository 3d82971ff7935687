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

  /**
   * PostgreSQL plus what a test that launches servers needs: the Jupyter base image as the default
   * image, its own instance label (so reconciliation never touches another test's containers) and
   * small servers. Fails loudly when the stack did not name the image.
   */
  public static Map<String, String> postgresWithLauncher(String instance) {
    String image = System.getenv("BERTH_JUPYTER_BASE_IMAGE");
    if (image == null || image.isBlank()) {
      throw new IllegalStateException(
          "BERTH_JUPYTER_BASE_IMAGE is not set: run the tests through deploy/local/test.sh.");
    }
    Map<String, String> p = postgres();
    p.put("berth.launch.default-image", image);
    p.put("berth.launch.instance-id", instance);
    p.put("berth.launch.default-memory", "256M");
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
