package org.berth.launch;

import java.util.List;
import java.util.Map;

/**
 * Everything a back end needs to start one server. {@code serverId} is an opaque, stable id ({@code
 * [a-z0-9]+}) used in back-end names and in the server's origin. {@code token} is the server's
 * secret: it is passed to the server only and never printed. {@code mounts} are the volumes to
 * mount, decided above the launcher; the launcher creates a named volume that does not exist yet.
 */
public record LaunchRequest(
    String owner,
    ServerName name,
    String serverId,
    String image,
    String token,
    String baseUrl,
    Resources resources,
    String specHash,
    List<Mount> mounts,
    Map<String, String> env) {

  public LaunchRequest {
    if (serverId == null || !serverId.matches("[a-z0-9]{1,40}")) {
      throw new IllegalArgumentException("server id must be 1-40 of [a-z0-9]");
    }
    if (baseUrl == null || !baseUrl.startsWith("/") || !baseUrl.endsWith("/")) {
      throw new IllegalArgumentException("base URL must start and end with /");
    }
    mounts = List.copyOf(mounts);
    long targets = mounts.stream().map(Mount::target).distinct().count();
    if (targets != mounts.size()) {
      throw new IllegalArgumentException("two mounts have the same target");
    }
    env = Map.copyOf(env);
  }

  @Override
  public String toString() {
    return "LaunchRequest[" + owner + "/" + name + " (" + serverId + ") image " + image + "]";
  }
}
