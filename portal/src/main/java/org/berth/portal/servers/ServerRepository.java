package org.berth.portal.servers;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.util.List;
import java.util.Optional;

@JdbcRepository(dialect = Dialect.POSTGRES)
interface ServerRepository extends CrudRepository<ServerRecord, Long> {

  Optional<ServerRecord> findByOwnerNameAndName(String ownerName, String name);

  List<ServerRecord> findByOwnerNameOrderByName(String ownerName);

  List<ServerRecord> findByState(String state);

  Optional<ServerRecord> findByServerId(String serverId);

  long countByOwnerName(String ownerName);
}
