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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.berth.builder.BuildContext;
import org.berth.builder.BuildEvent;
import org.berth.builder.BuildException;
import org.berth.builder.BuildException.Failure;
import org.berth.builder.BuildPlan;
import org.berth.builder.BuildStrategy;
import org.berth.builder.BuilderConfig;
import org.berth.builder.BuiltImage;
import org.berth.builder.SourceTree;
import org.berth.builder.strategy.DockerEngine;
import org.berth.imagecache.ImageDigest;

/**
 * Cloud Native Buildpacks: runs the lifecycle's {@code /cnb/lifecycle/creator} inside the
 * configured builder image (through docker-java), with the repository copied to {@code /workspace};
 * the creator builds and pushes the image itself. Applies when the repository has a {@code
 * project.toml} or a builder image is configured.
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
    String id;
    try {
      CreateContainerResponse created =
          docker
              .createContainerCmd(builder)
              .withCmd(
                  List.of(
                      "/cnb/lifecycle/creator",
                      "-app=/workspace",
                      "-insecure-registry=" + ctx.target().registry(),
                      ctx.target().toString()))
              .withEnv("CNB_PLATFORM_API=0.12")
              .withLabels(Map.of("org.berth.build", ctx.target().toString()))
              .withHostConfig(HostConfig.newHostConfig().withNetworkMode("host"))
              .exec();
      id = created.getId();
    } catch (RuntimeException e) {
      throw new BuildException(
          Failure.ENGINE, "cannot start buildpacks builder " + builder + ": " + e.getMessage(), e);
    }
    try {
      docker
          .copyArchiveToContainerCmd(id)
          .withRemotePath("/")
          .withTarInputStream(new ByteArrayInputStream(workspaceTar(plan.tree().root())))
          .exec();
      docker.startContainerCmd(id).exec();
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
    } catch (RuntimeException e) {
      ctx.checkStillWanted();
      throw new BuildException(
          Failure.ENGINE, "buildpacks builder " + builder + " failed: " + e.getMessage(), e);
    } finally {
      try {
        docker.removeContainerCmd(id).withForce(true).exec();
      } catch (RuntimeException ignored) {
        // already gone
      }
    }
    ctx.events().accept(new BuildEvent.StepRan(NAME, false, "creator in " + builder));
    ImageDigest digest = engine.digestOf(ctx.target());
    return new BuiltImage(ctx.target(), digest, NAME);
  }

  /** The checkout (without .git) as a tar rooted at /workspace, owned by uid 1000. */
  static byte[] workspaceTar(Path root) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
        Stream<Path> files = Files.walk(root)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Path p : (Iterable<Path>) files::iterator) {
        Path rel = root.relativize(p);
        if (!rel.toString().isEmpty() && rel.getName(0).toString().equals(".git")) {
          continue;
        }
        if (Files.isSymbolicLink(p)) {
          continue;
        }
        String name = rel.toString().isEmpty() ? "workspace/" : "workspace/" + rel;
        TarArchiveEntry entry =
            new TarArchiveEntry(p.toFile(), Files.isDirectory(p) ? name + "/" : name);
        entry.setIds(1000, 1000);
        tar.putArchiveEntry(entry);
        if (Files.isRegularFile(p)) {
          Files.copy(p, tar);
        }
        tar.closeArchiveEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
