package org.berth.volumes;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fills the placeholders of a sub-path template ({@code {username}}, {@code {server}}, {@code
 * {course}}, {@code {session}}) with escaped values. The escape is injective: lowercase letters and
 * digits stay, every other byte of the value's UTF-8 becomes {@code _} and two hex digits ({@code
 * _} itself included), so two different values never give the same directory: {@code a-b} becomes
 * {@code a_2db} and {@code a_b} becomes {@code a_5fb}, {@code ..} becomes {@code _2e_2e}, and a
 * look-alike letter from another alphabet is spelled out in hex. (KubeSpawner's CVE-2020-15110 was
 * a collision of escaped names.)
 */
public final class SubPaths {

  private static final Pattern PLACEHOLDER =
      Pattern.compile("\\{(username|server|course|session)}");

  private SubPaths() {}

  /** The template with each placeholder replaced by its escaped value. */
  public static String resolve(String template, Map<String, String> values) {
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = values.get(m.group(1));
      if (value == null || value.isEmpty()) {
        throw new VolumeException.Invalid(
            "The sub-path " + template + " needs a " + m.group(1) + ", and this launch has none.");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(escape(value)));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** The injective escape of one value. */
  public static String escape(String value) {
    StringBuilder out = new StringBuilder();
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        out.append((char) c);
      } else {
        out.append('_')
            .append(Character.forDigit(c >> 4, 16))
            .append(Character.forDigit(c & 15, 16));
      }
    }
    return out.toString();
  }
}
