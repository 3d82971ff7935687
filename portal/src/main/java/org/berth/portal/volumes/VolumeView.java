package org.berth.portal.volumes;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.List;
import org.berth.launch.Principal;
import org.berth.volumes.Access;
import org.berth.volumes.Volume;
import org.berth.volumes.VolumeInfo;
import org.berth.volumes.Volumes;

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
    return sizeBytes == null ? "not measured yet" : bytes(sizeBytes);
  }

  /** Bytes in words: "empty", "340 KiB", "12.3 MiB", "10 GiB". */
  public static String bytes(long n) {
    return n == 0 ? "empty" : amount(n);
  }

  private static String amount(long n) {
    double kib = n / 1024.0;
    if (kib < 1024) {
      return String.format("%.0f KiB", n == 0 ? 0 : Math.max(1, kib));
    }
    double mib = kib / 1024.0;
    String text =
        mib < 1024 ? String.format("%.1f MiB", mib) : String.format("%.1f GiB", mib / 1024);
    return text.replace(".0 ", " ");
  }

  /** A line for the volumes page: what the user's volumes use of their allowance. */
  public static String usage(Volumes.Usage u) {
    String data =
        "Your volumes use "
            + amount(u.bytes())
            + (u.quotaBytes() > 0 ? " of your " + amount(u.quotaBytes()) + " quota" : "");
    return data
        + ", and you own "
        + u.volumes()
        + " of the "
        + u.maxVolumes()
        + " volumes you may have.";
  }
}
