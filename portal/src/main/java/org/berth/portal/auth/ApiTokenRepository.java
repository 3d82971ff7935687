package org.berth.portal.auth;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

@JdbcRepository(dialect = Dialect.POSTGRES)
interface ApiTokenRepository extends CrudRepository<ApiToken, Long> {

  Optional<ApiToken> findByTokenHashAndRevokedAtIsNull(String tokenHash);

  List<ApiToken> findByUserIdAndRevokedAtIsNullOrderByCreatedAt(long userId);

  Optional<ApiToken> findByIdAndUserIdAndRevokedAtIsNull(Long id, long userId);

  List<ApiToken> findByParentIdAndRevokedAtIsNull(Long parentId);

  void updateRevokedAt(@Id Long id, Instant revokedAt);

  void updateLastUsedAt(@Id Long id, Instant lastUsedAt);
}
