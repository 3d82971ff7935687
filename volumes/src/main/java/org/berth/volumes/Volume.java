package org.berth.volumes;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.berth.launch.Principal;
import org.berth.launch.UserName;

/**
 * A volume: persistent storage with an owner and members. {@code name} is unique per owner ({@link
 * #HOME_NAME} for the personal home); {@code source} is the back end's name for it (a Docker
 * volume, a Kubernetes claim). Immutable.
 */
public record Volume(
    String id,
    UserName owner,
    String name,
    Kind kind,
    String source,
    List<Member> members,
    Instant createdAt) {

  /** The personal home's name. */
  public static final String HOME_NAME = "home";

  /** A personal home (one per user, mounted at the image's home) or a volume shared at will. */
  public enum Kind {
    HOME,
    SHARED
  }

  public Volume {
    Objects.requireNonNull(owner, "owner");
    checkName(name);
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(source, "source");
    members = List.copyOf(members);
    Objects.requireNonNull(createdAt, "createdAt");
  }

  /** Checks a volume's name: lowercase letters, digits and hyphens, starting with a letter. */
  public static String checkName(String name) {
    if (name == null || !name.matches("[a-z][a-z0-9-]{0,39}") || name.endsWith("-")) {
      throw new VolumeException.Invalid(
          "A volume name uses lowercase letters, digits and hyphens, starts with a letter and has"
              + " at most 40 characters.");
    }
    return name;
  }

  /** {@code owner/name}, the way others refer to it. */
  public String reference() {
    return owner.value() + "/" + name;
  }

  public boolean isOwner(Principal p) {
    return owner.equals(p.name());
  }

  /** What the principal may do: everything for the owner, else the best of its memberships. */
  public Optional<Access> accessOf(Principal p) {
    if (isOwner(p)) {
      return Optional.of(Access.READ_WRITE);
    }
    Access best = null;
    for (Member m : members) {
      if (m.grantee().covers(p) && (best == null || m.access() == Access.READ_WRITE)) {
        best = m.access();
      }
    }
    return Optional.ofNullable(best);
  }

  public Volume withMembers(List<Member> newMembers) {
    return new Volume(id, owner, name, kind, source, newMembers, createdAt);
  }
}
