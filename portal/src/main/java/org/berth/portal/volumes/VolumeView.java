package org.berth.portal.volumes;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.List;
import org.berth.launch.Principal;
import org.berth.volumes.Access;
import org.berth.volumes.Volume;
import org.berth.volumes.VolumeInfo;

/**
 * A volume as the API and pages show it: its name and owner, the caller's access, size, the servers
 * that mount it and (for its owner only) its members.
 */
@Serdeable
public record VolumeView(
    String name,
    String owner,
    String reference,
    String kind,
    String access,
    boolean owned,
    @Nullable Long sizeBytes,
    List<String> usedBy,
    List<MemberView> members,
    Instant createdAt) {

  /** A member and their access. */
  @Serdeable
  public record MemberView(String member, String access) {}

  public static VolumeView of(VolumeInfo info, Principal viewer) {
    Volume v = info.volume();
    boolean owned = v.isOwner(viewer);
    return new VolumeView(
        v.name(),
        v.owner().value(),
        v.reference(),
        v.kind().name().toLowerCase(),
        info.access() == Access.READ_WRITE ? "rw" : "ro",
        owned,
        info.usage().isPresent() ? info.usage().getAsLong() : null,
        info.usedBy(),
        owned
            ? v.members().stream()
                .map(
                    m ->
                        new MemberView(
                            m.grantee().toString(), m.access() == Access.READ_WRITE ? "rw" : "ro"))
                .toList()
            : List.of(),
        v.createdAt());
  }

  /** The size in words, for pages: "empty", "340 KiB", "12.3 MiB", or "not measured yet". */
  public String size() {
    if (sizeBytes == null) {
      return "not measured yet";
    }
    if (sizeBytes == 0) {
      return "empty";
    }
    double kib = sizeBytes / 1024.0;
    if (kib < 1024) {
      return String.format("%.0f KiB", Math.max(1, kib));
    }
    double mib = kib / 1024.0;
    return mib < 1024 ? String.format("%.1f MiB", mib) : String.format("%.2f GiB", mib / 1024);
  }
}
