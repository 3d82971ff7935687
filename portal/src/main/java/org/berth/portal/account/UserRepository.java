package org.berth.portal.account;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.util.List;
import java.util.Optional;

/** Accounts by id and by user name. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface UserRepository extends CrudRepository<UserAccount, Long> {

  Optional<UserAccount> findByUsername(String username);

  boolean existsByUsername(String username);

  void updateAdmin(@io.micronaut.data.annotation.Id Long id, boolean admin);

  void updateApproved(@io.micronaut.data.annotation.Id Long id, boolean approved);

  List<UserAccount> findByApprovedOrderByCreatedAt(boolean approved);
}
