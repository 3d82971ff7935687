package org.berth.portal.auth;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.time.Instant;

@JdbcRepository(dialect = Dialect.POSTGRES)
interface WebSessionRepository extends CrudRepository<WebSession, String> {

  void deleteByExpiresAtLessThan(Instant now);
}
