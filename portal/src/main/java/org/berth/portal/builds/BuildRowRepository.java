package org.berth.portal.builds;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.util.List;

@JdbcRepository(dialect = Dialect.POSTGRES)
interface BuildRowRepository extends CrudRepository<BuildRow, String> {

  List<BuildRow> findBySourceAndCommitShaOrderByStartedAtDesc(String source, String commitSha);
}
