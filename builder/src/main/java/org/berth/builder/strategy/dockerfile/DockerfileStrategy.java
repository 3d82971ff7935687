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
import org.berth.builder.SourcePolicy;
import org.berth.builder.SourceTree;
import org.berth.builder.source.SourceValidator;
import org.berth.builder.strategy.BuildContextTar;
import org.berth.builder.strategy.DockerEngine;
import org.berth.imagecache.ImageDigest;

/**
 * A repository with a {@code Dockerfile} (in {@code binder/}, {@code .binder/} or the root) is
 * built as written by the Docker engine, with the repository root as context and the build args
 * Binder passes ({@code NB_USER=jovyan}, {@code NB_UID=1000}) plus {@code BASE_IMAGE} (Berth's
 * Jupyter base, since nothing else can be pulled here). The context is the checkout as {@link
 * BuildContextTar} sends it (links as links); a remote {@code ADD} from a host the repository host
 * rules refuse fails the build before the engine is asked ({@link DockerfileAdds}).
 */
public final class DockerfileStrategy implements BuildStrategy {
  public static final String NAME = "dockerfile";
  private final DockerEngine engine;
  private final BuilderConfig config;
  private final SourceValidator downloads;

  /** With the default host rules for downloads (nothing internal allowed). */
  public DockerfileStrategy(DockerEngine engine, BuilderConfig config) {
    this(engine, config, new SourceValidator(SourcePolicy.defaults()));
  }

  /**
   * @param downloads the host rules a remote {@code ADD} is held to: those of repository hosts
   */
  public DockerfileStrategy(DockerEngine engine, BuilderConfig config, SourceValidator downloads) {
    this.engine = engine;
    this.config = config;
    this.downloads = downloads;
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
    SourceTree tree = plan.tree();
    Path dockerfile = tree.config("Dockerfile").orElseThrow(); // the file, not a link to it
    Map<String, String> args =
        Map.of("NB_USER", "jovyan", "NB_UID", "1000", "BASE_IMAGE", config.jupyterBaseImage());
    DockerfileAdds.check(tree.read(dockerfile), args, downloads); // before any engine step
    ctx.events().accept(new BuildEvent.PhaseChanged(BuildEvent.Phase.BUILDING, plan.description()));
    engine.build(
        BuildContextTar.of(tree).dockerfile(tree.root().relativize(dockerfile).toString()),
        args,
        ctx.target(),
        ctx);
    ctx.events().accept(new BuildEvent.StepRan(NAME, false, "docker build"));
    ctx.checkStillWanted();
    ImageDigest digest = engine.pushTarget(ctx);
    return new BuiltImage(ctx.target(), digest, NAME);
  }
}
