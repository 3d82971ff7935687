package org.berth.portal.credentials;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.GeneratedValue;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.exceptions.DataAccessException;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import jakarta.inject.Singleton;
import java.time.Instant;
import org.berth.launch.CredentialGrants;
import org.berth.launch.ServerName;
import org.berth.launch.UserName;

/** The credentials hand-over's grants in the database ({@code server_credentials}). */
@Singleton
class JdbcCredentialGrants implements CredentialGrants {

  private final Rows rows;

  JdbcCredentialGrants(Rows rows) {
    this.rows = rows;
  }

  @Override
  public boolean granted(UserName owner, ServerName name) {
    return rows.existsByOwnerNameAndServerName(owner.value(), name.value());
  }

  @Override
  public void grant(UserName owner, ServerName name) {
    if (granted(owner, name)) {
      return;
    }
    try {
      rows.save(new Row(null, owner.value(), name.value(), Instant.now()));
    } catch (DataAccessException e) {
      // Granted twice at the same moment: the unique constraint kept one, which is all we want.
      if (!granted(owner, name)) {
        throw e;
      }
    }
  }

  @Override
  public void revoke(UserName owner, ServerName name) {
    rows.deleteByOwnerNameAndServerName(owner.value(), name.value());
  }

  @MappedEntity("server_credentials")
  record Row(
      @Id @GeneratedValue @Nullable Long id,
      String ownerName,
      String serverName,
      Instant confirmedAt) {}

  @JdbcRepository(dialect = Dialect.POSTGRES)
  interface Rows extends CrudRepository<Row, Long> {
    boolean existsByOwnerNameAndServerName(String ownerName, String serverName);

    void deleteByOwnerNameAndServerName(String ownerName, String serverName);
  }
}
