package org.berth.builder;

/**
 * Reads the running stack's addresses from the environment, for the benchmarks (programs that
 * measure against Berth's own registry, run with {@code /var/lib/berth/stack.env} exported); fails
 * loudly when one is missing. Integration tests start their own registry instead ({@link
 * org.berth.imagecache.testing.TestRegistry}).
 */
public final class TestEnv {
  private TestEnv() {}

  public static String require(String name) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(
          name
              + " is not set: export /var/lib/berth/stack.env (made by deploy/local/setup.sh)"
              + " before running the integration tests");
    }
    return value;
  }
}
