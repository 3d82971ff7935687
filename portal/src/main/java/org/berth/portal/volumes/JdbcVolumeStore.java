package org.berth.portal.volumes;

import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.berth.launch.UserName;
import org.berth.volumes.Access;
import org.berth.volumes.Grantee;
import org.berth.volumes.Member;
import org.berth.volumes.Volume;
import org.berth.volumes.VolumeException;
import org.berth.volumes.VolumeStore;

/** The volumes domain's records in the database: volumes, members and resolved sub-paths. */
@Singleton
class JdbcVolumeStore implements VolumeStore {

  private final VolumeRows.Volumes volumes;
  private final VolumeRows.Members members;
  private final VolumeRows.Paths paths;
  private final VolumeRows.Syncs syncs;

  JdbcVolumeStore(
      VolumeRows.Volumes volumes,
      VolumeRows.Members members,
      VolumeRows.Paths paths,
      VolumeRows.Syncs syncs) {
    this.volumes = volumes;
    this.members = members;
    this.paths = paths;
    this.syncs = syncs;
  }

  @Override
  public Optional<String> syncedImage(PathKey key) {
    return sync(key).map(VolumeRows.SyncRow::image);
  }

  @Override
  @Transactional
  public void recordSyncedImage(PathKey key, String image) {
    Optional<VolumeRows.SyncRow> row = sync(key);
    if (row.isPresent()) {
      VolumeRows.SyncRow r = row.get();
      syncs.update(
          new VolumeRows.SyncRow(
              r.id(), r.volumeId(), r.ownerName(), r.serverName(), r.target(), image));
    } else {
      syncs.save(
          new VolumeRows.SyncRow(
              null, key.volumeId(), key.owner(), key.server(), key.target(), image));
    }
  }

  @Override
  public boolean hasSyncedImage(String volumeId, String image) {
    return syncs.existsByVolumeIdAndImage(volumeId, image);
  }

  private Optional<VolumeRows.SyncRow> sync(PathKey key) {
    return syncs.findByVolumeIdAndOwnerNameAndServerNameAndTarget(
        key.volumeId(), key.owner(), key.server(), key.target());
  }

  @Override
  @Transactional
  public Volume insert(Volume v) {
    if (volumes.findByOwnerNameAndName(v.owner().value(), v.name()).isPresent()) {
      throw new VolumeException.Exists(v.name());
    }
    volumes.save(
        new VolumeRows.VolumeRow(
            v.id(), v.owner().value(), v.name(), v.kind().name(), v.source(), v.createdAt()));
    saveMembers(v);
    return v;
  }

  @Override
  @Transactional
  public Volume update(Volume v) {
    members.deleteByVolumeId(v.id());
    saveMembers(v);
    return v;
  }

  @Override
  @Transactional
  public void delete(Volume v) {
    members.deleteByVolumeId(v.id());
    volumes.deleteById(v.id());
  }

  @Override
  public Optional<Volume> find(UserName owner, String name) {
    return volumes.findByOwnerNameAndName(owner.value(), name).map(this::withMembers);
  }

  @Override
  public List<Volume> listAll() {
    return all(volumes.listOrderByOwnerNameAndName());
  }

  @Override
  public List<Volume> listOwned(UserName owner) {
    return all(volumes.findByOwnerNameOrderByName(owner.value()));
  }

  @Override
  public Optional<String> resolvedPath(PathKey key) {
    return paths
        .findByVolumeIdAndOwnerNameAndServerNameAndTarget(
            key.volumeId(), key.owner(), key.server(), key.target())
        .map(VolumeRows.PathRow::resolved);
  }

  @Override
  public void recordPath(PathKey key, String resolved) {
    if (resolvedPath(key).isPresent()) {
      return;
    }
    try {
      paths.save(
          new VolumeRows.PathRow(
              null, key.volumeId(), key.owner(), key.server(), key.target(), resolved));
    } catch (RuntimeException e) {
      // Recorded at the same moment by another launch: the first record stands.
      if (resolvedPath(key).isEmpty()) {
        throw e;
      }
    }
  }

  private void saveMembers(Volume v) {
    List<VolumeRows.MemberRow> rows = new ArrayList<>();
    for (Member m : v.members()) {
      rows.add(
          new VolumeRows.MemberRow(
              null, v.id(), m.grantee().type().name(), m.grantee().name(), m.access().name()));
    }
    if (!rows.isEmpty()) {
      members.saveAll(rows);
    }
  }

  private Volume withMembers(VolumeRows.VolumeRow row) {
    return toVolume(row, members.findByVolumeIdOrderByGranteeName(row.id()));
  }

  private List<Volume> all(List<VolumeRows.VolumeRow> rows) {
    if (rows.isEmpty()) {
      return List.of();
    }
    Map<String, List<VolumeRows.MemberRow>> byVolume = new HashMap<>();
    for (VolumeRows.MemberRow m :
        members.findByVolumeIdIn(rows.stream().map(VolumeRows.VolumeRow::id).toList())) {
      byVolume.computeIfAbsent(m.volumeId(), k -> new ArrayList<>()).add(m);
    }
    return rows.stream().map(r -> toVolume(r, byVolume.getOrDefault(r.id(), List.of()))).toList();
  }

  private static Volume toVolume(VolumeRows.VolumeRow r, List<VolumeRows.MemberRow> ms) {
    return new Volume(
        r.id(),
        new UserName(r.ownerName()),
        r.name(),
        Volume.Kind.valueOf(r.kind()),
        r.source(),
        ms.stream()
            .map(
                m ->
                    new Member(
                        new Grantee(Grantee.Type.valueOf(m.granteeType()), m.granteeName()),
                        Access.valueOf(m.access())))
            .toList(),
        r.createdAt());
  }
}
