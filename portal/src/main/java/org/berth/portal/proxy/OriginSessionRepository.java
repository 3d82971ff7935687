package org.berth.portal.proxy;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.time.Instant;

@JdbcRepository(dialect = Dialect.POSTGRES)
interface OriginSessionRepository extends CrudRepository<OriginSession, String> {

  void deleteByUsername(String username);

  void deleteByExpiresAtLessThan(Instant now);
}
