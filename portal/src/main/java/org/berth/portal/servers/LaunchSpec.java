package org.berth.portal.servers;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;
import java.util.Map;
import org.berth.launch.MountSpec;
import org.berth.launch.ServerSpec;
import org.berth.volumes.Access;

/**
 * A launch as the API receives it (JSON): the wire form of {@link ServerSpec.Request}. Every field
 * may be left out: resources take the configured defaults, the image the configured default, and
 * the server mounts only its owner's home.
 */
@Serdeable
public record LaunchSpec(
    @Nullable String image,
    @Nullable String repo,
    @Nullable String ref,
    @Nullable String memory,
    @Nullable Double cpus,
    @Nullable String idleTimeout,
    @Nullable String path,
    @Nullable Boolean cullingDisabled,
    @Nullable List<MountBody> mounts,
    @Nullable Boolean credentials) {

  /**
   * Why the API cannot take this launch as asked, if it cannot: handing the owner's access token
   * into a server is confirmed on a page that says what it means, which an API call cannot show.
   */
  public java.util.Optional<String> refusal() {
    if (Boolean.TRUE.equals(credentials)) {
      return java.util.Optional.of(
          "Handing your access token into a server is asked for on the launch form, which shows"
              + " what it means and asks you to confirm; an API call cannot ask for it. Nothing"
              + " was launched.");
    }
    return java.util.Optional.empty();
  }

  /**
   * One mount: where ({@code target}), which volume ({@code name}, {@code owner/name} or {@code
   * home}), {@code mode} {@code ro} or {@code rw} (the default), an optional {@code subPath} with
   * placeholders, and how it is seeded: a git repository ({@code seedRepo}, {@code seedRef}), or
   * {@code seed: "image"}.
   */
  @Serdeable
  public record MountBody(
      @Nullable String target,
      @Nullable String volume,
      @Nullable String mode,
      @Nullable String subPath,
      @Nullable String seed,
      @Nullable String seedRepo,
      @Nullable String seedRef) {

    public MountSpec toSpec() {
      boolean readOnly = mode != null && Access.parse(mode) == Access.READ_ONLY;
      MountSpec.Seed s = MountSpec.Seed.NONE;
      if (seedRepo != null && !seedRepo.isBlank()) {
        s = MountSpec.Seed.git(seedRepo, seedRef);
      } else if (seed != null && seed.strip().equalsIgnoreCase("image")) {
        s = new MountSpec.Seed(MountSpec.Seed.Kind.IMAGE, "", "");
      }
      return new MountSpec(target, volume, readOnly, subPath, s);
    }
  }

  public ServerSpec.Request toRequest() {
    return new ServerSpec.Request(
        image,
        repo,
        ref,
        memory,
        cpus,
        idleTimeout,
        path,
        cullingDisabled,
        mounts == null ? List.of() : mounts.stream().map(MountBody::toSpec).toList(),
        Map.of());
  }
}
