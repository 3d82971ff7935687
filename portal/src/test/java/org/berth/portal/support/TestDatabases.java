package org.berth.portal.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import org.berth.imagecache.testing.TestRegistry;

/**
 * Settings for integration tests: the real PostgreSQL (a fresh database in the test JVM's {@link
 * TestPostgres}) or an embedded H2 file, and, for tests that build, a registry of their own.
 */
public final class TestDatabases {

  private TestDatabases() {}

  /**
   * A fresh database of the test JVM's PostgreSQL ({@link TestPostgres}, a container of Debian's
   * PostgreSQL). Fails loudly when it cannot be started, so that a missing database is never a
   * silently skipped test.
   */
  public static Map<String, String> postgres() {
    Map<String, String> p = base();
    TestPostgres.Database db = TestPostgres.shared().newDatabase();
    p.put("datasources.default.url", db.url());
    p.put("datasources.default.username", db.user());
    p.put("datasources.default.password", db.password());
    return p;
  }

  /**
   * PostgreSQL plus what a test that launches servers needs: {@link #withRegistry} (the Jupyter
   * base in the class's registry as the default image), its own instance label (so reconciliation
   * never touches another test's containers) and small servers.
   */
  public static Map<String, String> postgresWithLauncher(String instance, TestRegistry registry) {
    Map<String, String> p = withRegistry(postgres(), registry);
    p.put("berth.launch.instance-id", instance);
    p.put("berth.launch.default-memory", "256M");
    return p;
  }

  /**
   * Berth's registry is {@code registry} (the test class's own, see {@link TestRegistry}): builds
   * go there on the Jupyter base it holds, which is also the default image of servers, and launches
   * may name its images only, as a Berth with its own registry is set up.
   */
  public static Map<String, String> withRegistry(Map<String, String> p, TestRegistry registry) {
    p.put("berth.builder.registry", registry.address());
    p.put("berth.builder.jupyter-base-image", registry.jupyterBase());
    p.put("berth.launch.default-image", registry.jupyterBase());
    p.put("berth.launch.allowed-image-prefix", registry.address() + "/");
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
}
