package org.berth.portal.servers;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.util.List;
import java.util.Optional;

@JdbcRepository(dialect = Dialect.POSTGRES)
interface ServerRepository extends CrudRepository<ServerRecord, Long> {

  Optional<ServerRecord> findByOwnerIdAndName(long ownerId, String name);

  List<ServerRecord> findByOwnerIdOrderByName(long ownerId);

  List<ServerRecord> findByStateIn(List<String> states);

  Optional<ServerRecord> findByServerId(String serverId);

  long countByOwnerId(long ownerId);
}
