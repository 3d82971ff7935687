package org.berth.portal.account;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.GeneratedValue;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The groups each user belongs to, which volumes, collaborators and courses share with: set by an
 * admin for local accounts, replaced from the identity provider's token at each sign-in. A group
 * name uses letters, digits, '.', '_', '-' and '/' (Keycloak's group paths), at most 100.
 */
@Singleton
public class UserGroups {

  private final Rows rows;

  UserGroups(Rows rows) {
    this.rows = rows;
  }

  /** The user's groups; empty when none. */
  public Set<String> of(String username) {
    Set<String> out = new LinkedHashSet<>();
    rows.findByUsernameOrderByGroupName(username).forEach(g -> out.add(g.groupName()));
    return out;
  }

  /**
   * Replaces the user's groups.
   *
   * @throws AccountException when a name breaks the group-name rule
   */
  @Transactional
  public Set<String> set(String username, Collection<String> names) {
    Set<String> checked = new LinkedHashSet<>();
    for (String n : names) {
      if (n == null || n.isBlank()) {
        continue;
      }
      String name = n.strip();
      if (!name.matches("[A-Za-z0-9][A-Za-z0-9._/-]{0,99}")) {
        throw new AccountException(
            "A group name uses letters, digits, '.', '_', '-' and '/': '" + name + "' does not.");
      }
      checked.add(name);
    }
    rows.deleteByUsername(username);
    for (String g : checked) {
      rows.save(new GroupRow(null, username, g));
    }
    return checked;
  }

  @MappedEntity("user_groups")
  record GroupRow(@Id @GeneratedValue @Nullable Long id, String username, String groupName) {}

  @JdbcRepository(dialect = Dialect.POSTGRES)
  interface Rows extends CrudRepository<GroupRow, Long> {
    List<GroupRow> findByUsernameOrderByGroupName(String username);

    void deleteByUsername(String username);
  }
}
