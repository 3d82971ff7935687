package org.berth.portal.auth.oidc;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.GeneratedValue;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.time.Instant;
import java.util.Optional;

/** The rows of sign-in through the provider: identities and the sessions they started. */
final class Identities {

  private Identities() {}

  /** The provider's subject at its issuer, bound to one account for good. */
  @MappedEntity("oidc_identities")
  record Identity(
      @Id @GeneratedValue @Nullable Long id,
      long userId,
      String issuer,
      String subject,
      Instant createdAt,
      Instant lastLoginAt) {}

  @JdbcRepository(dialect = Dialect.POSTGRES)
  interface IdentityRepository extends CrudRepository<Identity, Long> {
    Optional<Identity> findByIssuerAndSubject(String issuer, String subject);

    Optional<Identity> findByUserId(long userId);

    void updateLastLoginAt(@Id Long id, Instant lastLoginAt);
  }

  /** A browser session that signed in through the provider, with its ID token (for sign-out). */
  @MappedEntity("oidc_sessions")
  record Session(@Id String sessionId, long identityId, String idToken, Instant createdAt) {

    @Override
    public String toString() {
      return "Session[" + identityId + "]";
    }
  }

  @JdbcRepository(dialect = Dialect.POSTGRES)
  interface SessionRepository extends CrudRepository<Session, String> {}
}
