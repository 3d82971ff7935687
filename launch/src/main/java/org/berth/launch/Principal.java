package org.berth.launch;

import java.util.Set;

/**
 * Who acts: a user and the groups they belong to (from the identity provider, refreshed at each
 * sign-in; empty for local accounts without groups). Volumes, collaborators and courses share with
 * users and groups, so every domain decision about access takes a principal.
 */
public record Principal(UserName name, Set<String> groups) {

  public Principal {
    if (name == null) {
      throw new IllegalArgumentException("a principal has a user name");
    }
    groups = Set.copyOf(groups);
  }

  /** A principal without groups. */
  public static Principal of(String username) {
    return new Principal(UserName.parse(username), Set.of());
  }

  public String username() {
    return name.value();
  }

  public boolean inGroup(String group) {
    return groups.contains(group);
  }
}
