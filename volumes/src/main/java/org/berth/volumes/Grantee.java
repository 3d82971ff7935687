package org.berth.volumes;

import java.util.Locale;
import org.berth.launch.Principal;
import org.berth.launch.UserName;

/** Who a volume is shared with: one user, or every member of a group. */
public record Grantee(Type type, String name) {

  /** A user or a group. */
  public enum Type {
    USER,
    GROUP
  }

  public Grantee {
    if (type == null || name == null || name.isBlank()) {
      throw new VolumeException.Invalid("Name the user or group to share with.");
    }
    name = name.strip();
    if (type == Type.USER) {
      name = UserName.parse(name).value();
    } else if (!name.matches("[A-Za-z0-9][A-Za-z0-9._/-]{0,99}")) {
      throw new VolumeException.Invalid(
          "A group name uses letters, digits, '.', '_', '-' and '/': '" + name + "' does not.");
    }
  }

  public static Grantee user(String name) {
    return new Grantee(Type.USER, name);
  }

  public static Grantee group(String name) {
    return new Grantee(Type.GROUP, name);
  }

  /** Parses {@code alice} (a user) or {@code group:teachers}. */
  public static Grantee parse(String text) {
    String t = text == null ? "" : text.strip();
    if (t.toLowerCase(Locale.ROOT).startsWith("group:")) {
      return group(t.substring("group:".length()));
    }
    try {
      return user(t);
    } catch (org.berth.launch.InvalidUserNameException e) {
      throw new VolumeException.Invalid(e.getMessage());
    }
  }

  /** Whether this grantee covers the principal. */
  public boolean covers(Principal p) {
    return type == Type.USER ? p.username().equals(name) : p.inGroup(name);
  }

  @Override
  public String toString() {
    return type == Type.USER ? name : "group:" + name;
  }
}
