package org.berth.launch;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads durations as people write them: {@code 90s}, {@code 30m}, {@code 2h}, {@code 1d}, {@code
 * 0}.
 */
public final class Durations {

  private static final Pattern FORM = Pattern.compile("(\\d{1,6})\\s*([smhd]?)");

  private Durations() {}

  /**
   * Parses {@code text}; {@code what} names the setting in the message of a refusal.
   *
   * @throws LaunchException.LimitExceeded when the text is not a duration
   */
  public static Duration parse(String text, String what) {
    Matcher m = FORM.matcher(text.strip().toLowerCase());
    if (!m.matches()) {
      throw new LaunchException.LimitExceeded(
          what + " '" + text + "' is not a duration; write it like 30m, 2h or 1d.");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "h" -> Duration.ofHours(n);
      case "d" -> Duration.ofDays(n);
      default -> Duration.ofMinutes(n);
    };
  }
}
