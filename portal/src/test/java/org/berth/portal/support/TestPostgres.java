package org.berth.portal.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.berth.imagecache.testing.LocalContainer;
import org.berth.imagecache.testing.TestImages;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * PostgreSQL for the integration tests: one container of Debian's PostgreSQL ({@link
 * TestImages#postgres()}) per test JVM, started on first use on 127.0.0.1 and a free port, removed
 * when the JVM ends; every {@link #newDatabase()} is a fresh, empty database in it, so each test
 * class migrates its own.
 */
public final class TestPostgres {

  /** The role the image makes (a superuser of the test cluster only). */
  static final String USER = "berth_test";

  static final String PASSWORD = "berth_test";

  private static TestPostgres shared;

  private final LocalContainer container;
  private final AtomicInteger databases = new AtomicInteger();

  private TestPostgres(LocalContainer container) {
    this.container = container;
  }

  /** A database of a test's own: JDBC address, user and password. */
  public record Database(String url, String user, String password) {}

  /** The JVM's PostgreSQL, started on first use. */
  public static synchronized TestPostgres shared() {
    if (shared == null) {
      shared =
          new TestPostgres(
              LocalContainer.start(
                  "postgres",
                  TestImages.postgres(),
                  5432,
                  Wait.forLogMessage(".*database system is ready to accept connections.*\\s", 1),
                  Duration.ofSeconds(60)));
    }
    return shared;
  }

  /** Makes a new, empty database owned by the test role. */
  public Database newDatabase() {
    String name = "berth_" + databases.incrementAndGet();
    try (Connection c = DriverManager.getConnection(url("postgres"), USER, PASSWORD);
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name + " OWNER " + USER);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "could not make the database "
              + name
              + " in the test PostgreSQL ("
              + container
              + "): "
              + e.getMessage()
              + "\nIts log:\n"
              + container.logs(),
          e);
    }
    return new Database(url(name), USER, PASSWORD);
  }

  private String url(String database) {
    return "jdbc:postgresql://" + container.address() + "/" + database;
  }
}
