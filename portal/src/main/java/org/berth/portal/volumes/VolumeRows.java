package org.berth.portal.volumes;

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

/** The rows behind {@link JdbcVolumeStore}. */
final class VolumeRows {

  private VolumeRows() {}

  @MappedEntity("volumes")
  record VolumeRow(
      @Id String id,
      String ownerName,
      String name,
      String kind,
      String source,
      Instant createdAt) {}

  @MappedEntity("volume_members")
  record MemberRow(
      @Id @GeneratedValue @Nullable Long id,
      String volumeId,
      String granteeType,
      String granteeName,
      String access) {}

  @MappedEntity("volume_paths")
  record PathRow(
      @Id @GeneratedValue @Nullable Long id,
      String volumeId,
      String ownerName,
      String serverName,
      String target,
      String resolved) {}

  @MappedEntity("volume_syncs")
  record SyncRow(
      @Id @GeneratedValue @Nullable Long id,
      String volumeId,
      String ownerName,
      String serverName,
      String target,
      String image) {}

  @JdbcRepository(dialect = Dialect.POSTGRES)
  interface Syncs extends CrudRepository<SyncRow, Long> {
    Optional<SyncRow> findByVolumeIdAndOwnerNameAndServerNameAndTarget(
        String volumeId, String ownerName, String serverName, String target);

    boolean existsByVolumeIdAndImage(String volumeId, String image);
  }

  @JdbcRepository(dialect = Dialect.POSTGRES)
  interface Volumes extends CrudRepository<VolumeRow, String> {
    Optional<VolumeRow> findByOwnerNameAndName(String ownerName, String name);

    List<VolumeRow> findByOwnerNameOrderByName(String ownerName);

    List<VolumeRow> listOrderByOwnerNameAndName();
  }

  @JdbcRepository(dialect = Dialect.POSTGRES)
  interface Members extends CrudRepository<MemberRow, Long> {
    List<MemberRow> findByVolumeIdOrderByGranteeName(String volumeId);

    List<MemberRow> findByVolumeIdIn(List<String> volumeIds);

    void deleteByVolumeId(String volumeId);
  }

  @JdbcRepository(dialect = Dialect.POSTGRES)
  interface Paths extends CrudRepository<PathRow, Long> {
    Optional<PathRow> findByVolumeIdAndOwnerNameAndServerNameAndTarget(
        String volumeId, String ownerName, String serverName, String target);
  }
}
