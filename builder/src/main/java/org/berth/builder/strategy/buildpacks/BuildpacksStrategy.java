package org.berth.builder.strategy.buildpacks;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerResponse;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.berth.builder.BuildContext;
import org.berth.builder.BuildEvent;
import org.berth.builder.BuildException;
import org.berth.builder.BuildException.Failure;
import org.berth.builder.BuildPlan;
import org.berth.builder.BuildResources;
import org.berth.builder.BuildStrategy;
import org.berth.builder.BuilderConfig;
import org.berth.builder.BuiltImage;
import org.berth.builder.SourceTree;
import org.berth.builder.strategy.BuildContextTar;
import org.berth.builder.strategy.DockerEngine;
import org.berth.imagecache.ImageDigest;
import org.berth.imagecache.ImageRef;

/**
 * Cloud Native Buildpacks: runs the lifecycle's {@code /cnb/lifecycle/creator} inside the
 * configured builder image (through docker-java), with the repository copied to {@code /workspace};
 * the creator builds and pushes the image itself. Applies when the repository has a {@code
 * project.toml} or a builder image is configured.
 *
 * <p>The builder container gets the limits of every build step and runs on the build network
 * ({@link BuildResources}), not on the host's network. A registry on this host's loopback is
 * reached through a {@link RegistryRelay} that serves that container alone.
 *
 * <p>Only the plumbing is tested here (against a builder image the tests make): no real Paketo
 * builder or lifecycle can be fetched on this machine.
 */
public final class BuildpacksStrategy implements BuildStrategy {
  public static final String NAME = "buildpacks";
  private final DockerEngine engine;
  private final BuilderConfig config;

  public BuildpacksStrategy(DockerEngine engine, BuilderConfig config) {
    this.engine = engine;
    this.config = config;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Optional<BuildPlan> detect(SourceTree tree) {
    if (tree.has("project.toml")) {
      return Optional.of(new BuildPlan(NAME, tree, "project.toml: Cloud Native Buildpacks"));
    }
    if (config.buildpacksBuilder() != null && !config.buildpacksBuilder().isBlank()) {
      return Optional.of(
          new BuildPlan(NAME, tree, "buildpacks builder " + config.buildpacksBuilder()));
    }
    return Optional.empty();
  }

  @Override
  public BuiltImage build(BuildPlan plan, BuildContext ctx) {
    String builder = config.buildpacksBuilder();
    if (builder == null || builder.isBlank()) {
      throw new BuildException(
          Failure.RECIPE,
          "the repository has project.toml but no buildpacks builder image is configured"
              + " (berth.builder.buildpacks-builder)");
    }
    ctx.events().accept(new BuildEvent.PhaseChanged(BuildEvent.Phase.BUILDING, plan.description()));
    DockerClient docker = engine.client();
    BuildResources limits = engine.resources();
    ImageRef target = ctx.target();
    RegistryRelay relay = null;
    String id;
    try {
      String gateway = engine.buildNetworkGateway();
      String registry = target.registry();
      if (RegistryRelay.needed(registry)) {
        relay = new RegistryRelay(gateway, registry);
        registry = relay.address();
      }
      String image = registry + "/" + target.repository() + ":" + target.tag();
      CreateContainerResponse created =
          docker
              .createContainerCmd(builder)
              .withCmd(
                  List.of(
                      "/cnb/lifecycle/creator",
                      "-app=/workspace",
                      "-insecure-registry=" + registry,
                      image))
              .withEnv("CNB_PLATFORM_API=0.12")
              .withLabels(Map.of("org.berth.build", target.toString()))
              .withHostConfig(
                  HostConfig.newHostConfig()
                      .withNetworkMode(limits.network())
                      .withMemory(limits.memoryBytes())
                      .withMemorySwap(limits.memoryBytes())
                      .withCpuPeriod(BuildResources.CPU_PERIOD_MICROS)
                      .withCpuQuota(limits.cpuQuotaMicros())
                      .withSecurityOpts(List.of("no-new-privileges")))
              .exec();
      id = created.getId();
    } catch (IOException | RuntimeException e) {
      closeQuietly(relay);
      throw new BuildException(
          Failure.ENGINE, "cannot start buildpacks builder " + builder + ": " + e.getMessage(), e);
    }
    try {
      docker
          .copyArchiveToContainerCmd(id)
          .withRemotePath("/")
          .withTarInputStream(new ByteArrayInputStream(workspaceTar(plan.tree())))
          .exec();
      docker.startContainerCmd(id).exec();
      if (relay != null) {
        relay.allow(InetAddress.getByName(addressOn(docker, id, limits.network())));
      }
      ResultCallback.Adapter<Frame> logs =
          docker
              .logContainerCmd(id)
              .withStdOut(true)
              .withStdErr(true)
              .withFollowStream(true)
              .exec(
                  new ResultCallback.Adapter<>() {
                    @Override
                    public void onNext(Frame frame) {
                      for (String line : new String(frame.getPayload()).split("\n")) {
                        if (!line.isBlank()) {
                          ctx.log(line);
                        }
                      }
                    }
                  });
      Integer code =
          docker
              .waitContainerCmd(id)
              .start()
              .awaitStatusCode(ctx.millisLeft(), TimeUnit.MILLISECONDS);
      logs.awaitCompletion(5, TimeUnit.SECONDS);
      if (code == null || code != 0) {
        throw new BuildException(
            Failure.RECIPE, "buildpacks creator in " + builder + " exited with " + code);
      }
    } catch (BuildException e) {
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BuildException(Failure.CANCELLED, "buildpacks build was interrupted");
    } catch (IOException | RuntimeException e) {
      ctx.checkStillWanted();
      throw new BuildException(
          Failure.ENGINE, "buildpacks builder " + builder + " failed: " + e.getMessage(), e);
    } finally {
      try {
        docker.removeContainerCmd(id).withForce(true).exec();
      } catch (RuntimeException ignored) {
        // already gone
      }
      closeQuietly(relay);
    }
    ctx.events().accept(new BuildEvent.StepRan(NAME, false, "creator in " + builder));
    ImageDigest digest = engine.digestOf(ctx.target());
    return new BuiltImage(ctx.target(), digest, NAME);
  }

  /**
   * The checkout (without .git) as a tar rooted at /workspace, owned by uid 1000; links go in as
   * links, nothing is followed (see {@link BuildContextTar}).
   */
  static byte[] workspaceTar(SourceTree tree) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      BuildContextTar.of(tree).asFolder("workspace", 1000).writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The container's address on the network. */
  private static String addressOn(DockerClient docker, String id, String network) {
    var settings = docker.inspectContainerCmd(id).exec().getNetworkSettings();
    var on = settings.getNetworks().get(network);
    if (on == null || on.getIpAddress() == null || on.getIpAddress().isBlank()) {
      throw new IllegalStateException("the builder container has no address on " + network);
    }
    return on.getIpAddress();
  }

  private static void closeQuietly(RegistryRelay relay) {
    if (relay != null) {
      relay.close();
    }
  }
}
