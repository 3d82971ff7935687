package org.berth.portal.servers;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Sessions of visitors who come without a browser session of Berth's (Binder clients). */
final class VisitorSessions {

  private static final SecureRandom RANDOM = new SecureRandom();

  private VisitorSessions() {}

  /** A new, unguessable session: each Binder client's request gets a visit of its own. */
  static String newSession() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return "binder-" + HexFormat.of().formatHex(b);
  }
}
