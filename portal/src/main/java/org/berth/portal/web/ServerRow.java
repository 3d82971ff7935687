package org.berth.portal.web;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.berth.launch.ServerSpec;
import org.berth.launch.ServerState;
import org.berth.portal.servers.ServerView;

/**
 * A server as the list and the server page show it: words and dates instead of numbers and
 * instants. {@code buildId} is null unless the page looked the build up.
 */
record ServerRow(
    String name,
    String state,
    String message,
    boolean running,
    boolean startable,
    String repo,
    String ref,
    String commit,
    String shortCommit,
    String image,
    String address,
    String created,
    String started,
    String resources,
    String whenIdle,
    String buildId,
    java.util.List<String> mounts) {

  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  static ServerRow of(ServerView v) {
    return of(v, null);
  }

  static ServerRow of(ServerView v, String buildId) {
    String commit = v.commit() == null ? "" : v.commit();
    return new ServerRow(
        v.name(),
        v.state().name().toLowerCase(),
        v.message(),
        v.running(),
        v.state() == ServerState.STOPPED || v.state() == ServerState.FAILED,
        v.repo(),
        v.ref(),
        commit,
        commit.length() > 12 ? commit.substring(0, 12) : commit,
        v.image(),
        v.url(),
        date(v.createdAt()),
        v.startedAt() == null ? "never" : date(v.startedAt()),
        memory(v.memoryBytes()) + ", " + number(v.cpus()) + (v.cpus() == 1 ? " CPU" : " CPUs"),
        whenIdle(v),
        buildId,
        v.mounts().stream()
            .map(
                m ->
                    m.target()
                        + " ← "
                        + m.volume()
                        + (m.subPath().isEmpty() ? "" : "/" + m.subPath())
                        + ("ro".equals(m.mode()) ? " (read-only)" : " (read-write)"))
            .toList());
  }

  private static String whenIdle(ServerView v) {
    if (v.cullingDisabled()) {
      return "Kept running when idle";
    }
    Duration idle = Duration.ofSeconds(v.idleTimeoutSeconds());
    return idle.isZero()
        ? "Stopped only at its maximum age"
        : "Stops after " + ServerSpec.words(idle) + " without use";
  }

  static String date(Instant at) {
    return FORMAT.format(at);
  }

  static String memory(long bytes) {
    long mib = bytes >> 20;
    return mib % 1024 == 0 ? (mib / 1024) + " GiB" : mib + " MiB";
  }

  /** A number without a useless {@code .0}. */
  static String number(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  /** {@code name} when it is a server name, else null (text from an address is not repeated). */
  static String nameOrNull(String name) {
    return name != null && name.matches("[a-z][a-z0-9-]{0,29}") ? name : null;
  }

  /** {@code owner/name} when it is one, else null. */
  static String referenceOrNull(String ref) {
    return ref != null && ref.matches("[a-z][a-z0-9-]{0,39}/[a-z][a-z0-9-]{0,29}") ? ref : null;
  }
}
