package org.berth.portal.sharing;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.GeneratedValue;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The rows behind {@link JdbcShareStore}. */
final class ShareRows {

  private ShareRows() {}

  @MappedEntity("collaborators")
  record CollaboratorRow(
      @Id @GeneratedValue @Nullable Long id,
      String serverId,
      String granteeType,
      String granteeName) {}

  @MappedEntity("invites")
  record InviteRow(
      @Id String id,
      String serverId,
      String secretHash,
      Instant createdAt,
      Instant expiresAt,
      int uses,
      boolean revoked) {}

  @MappedEntity("public_access")
  record PublicRow(@Id String serverId, String linkId, boolean enabled, boolean mountsReadOnly) {}

  @MappedEntity("trusted_specs")
  record TrustedRow(
      @Id @GeneratedValue @Nullable Long id, String username, String permissionsHash) {}

  @MappedEntity("launch_links")
  record LinkRow(@Id String id, String creator, String specJson, Instant createdAt) {}

  @JdbcRepository(dialect = Dialect.POSTGRES)
  interface Collaborators extends CrudRepository<CollaboratorRow, Long> {
    List<CollaboratorRow> findByServerIdOrderByGranteeName(String serverId);

    Optional<CollaboratorRow> findByServerIdAndGranteeTypeAndGranteeName(
        String serverId, String granteeType, String granteeName);

    List<CollaboratorRow> findByGranteeTypeAndGranteeNameIn(String granteeType, List<String> names);

    void deleteByServerId(String serverId);
  }

  @JdbcRepository(dialect = Dialect.POSTGRES)
  interface Invites extends CrudRepository<InviteRow, String> {
    Optional<InviteRow> findBySecretHash(String secretHash);

    List<InviteRow> findByServerIdOrderByCreatedAt(String serverId);

    void deleteByServerId(String serverId);
  }

  @JdbcRepository(dialect = Dialect.POSTGRES)
  interface Publics extends CrudRepository<PublicRow, String> {
    Optional<PublicRow> findByLinkId(String linkId);

    List<PublicRow> findByEnabledOrderByServerId(boolean enabled);
  }

  @JdbcRepository(dialect = Dialect.POSTGRES)
  interface Trusted extends CrudRepository<TrustedRow, Long> {
    boolean existsByUsernameAndPermissionsHash(String username, String permissionsHash);
  }

  @JdbcRepository(dialect = Dialect.POSTGRES)
  interface Links extends CrudRepository<LinkRow, String> {}
}
