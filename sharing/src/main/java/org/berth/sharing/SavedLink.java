package org.berth.sharing;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.berth.launch.MountSpec;
import org.berth.launch.ServerSpec;

/**
 * A full-spec launch link: a saved spec (repository and ref, server name, mounts, resources, path
 * to open) behind an unguessable id. Following the link launches exactly this spec; nothing in the
 * URL can change it.
 */
public record SavedLink(
    String id,
    String creator,
    String repo,
    String ref,
    String serverName,
    String memory,
    Double cpus,
    String idleTimeout,
    String path,
    List<MountLine> mounts,
    Instant createdAt) {

  public SavedLink {
    mounts = mounts == null ? List.of() : List.copyOf(mounts);
  }

  /** One mount of a saved spec, as text. */
  public record MountLine(String target, String volume, boolean readOnly, String subPath) {}

  /** The mounts as the servers domain takes them. */
  public List<MountSpec> mountSpecs() {
    return mounts.stream()
        .map(m -> new MountSpec(m.target(), m.volume(), m.readOnly(), m.subPath(), null))
        .toList();
  }

  /** The launch this link makes, at {@code atRef} (its own ref, or the commit it was built at). */
  public ServerSpec.Request request(String atRef) {
    return new ServerSpec.Request(
        null, repo, atRef, memory, cpus, idleTimeout, path, null, mountSpecs(), Map.of());
  }

  /** The link's fields as a map, for pages. */
  public Map<String, Object> describe() {
    return Map.of("repo", repo, "ref", ref, "server", serverName, "path", path == null ? "" : path);
  }
}
