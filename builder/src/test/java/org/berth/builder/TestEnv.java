package org.berth.builder;

/** Reads the stack's addresses from the environment; fails loudly when one is missing. */
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
