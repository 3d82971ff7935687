package org.berth.portal.account;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;

/** Users' preferences by user id. */
@JdbcRepository(dialect = Dialect.POSTGRES)
interface UserPreferencesRepository extends CrudRepository<UserPreferences, Long> {}
