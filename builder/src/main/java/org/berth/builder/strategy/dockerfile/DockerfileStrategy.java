package org.berth.builder.strategy.dockerfile;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.berth.builder.BuildContext;
import org.berth.builder.BuildEvent;
import org.berth.builder.BuildPlan;
import org.berth.builder.BuildStrategy;
import org.berth.builder.BuilderConfig;
import org.berth.builder.BuiltImage;
import org.berth.builder.SourceTree;
import org.berth.builder.strategy.DockerEngine;
import org.berth.imagecache.ImageDigest;

/**
 * A repository with a {@code Dockerfile} (in {@code binder/}, {@code .binder/} or the root) is
 * built as written by the Docker engine, with the repository root as context and the build args
 * Binder passes ({@code NB_USER=jovyan}, {@code NB_UID=1000}) plus {@code BASE_IMAGE} (Berth's
 * Jupyter base, since nothing else can be pulled here).
 */
public final class DockerfileStrategy implements BuildStrategy {
  public static final String NAME = "dockerfile";
  private final DockerEngine engine;
  private final BuilderConfig config;

  public DockerfileStrategy(DockerEngine engine, BuilderConfig config) {
    this.engine = engine;
    this.config = config;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Optional<BuildPlan> detect(SourceTree tree) {
    return tree.config("Dockerfile")
        .map(f -> new BuildPlan(NAME, tree, "Dockerfile at " + tree.root().relativize(f)));
  }

  @Override
  public BuiltImage build(BuildPlan plan, BuildContext ctx) {
    Path dockerfile = plan.tree().config("Dockerfile").orElseThrow();
    ctx.events().accept(new BuildEvent.PhaseChanged(BuildEvent.Phase.BUILDING, plan.description()));
    engine.build(
        plan.tree().root(),
        dockerfile,
        Map.of("NB_USER", "jovyan", "NB_UID", "1000", "BASE_IMAGE", config.jupyterBaseImage()),
        ctx.target(),
        ctx);
    ctx.events().accept(new BuildEvent.StepRan(NAME, false, "docker build"));
    ctx.checkStillWanted();
    ImageDigest digest = engine.pushTarget(ctx);
    return new BuiltImage(ctx.target(), digest, NAME);
  }
}
