package org.berth.builder.strategy.environment;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.berth.builder.BuildContext;
import org.berth.builder.BuildEvent;
import org.berth.builder.BuildException;
import org.berth.builder.BuildException.Failure;
import org.berth.builder.BuildPlan;
import org.berth.builder.BuildStrategy;
import org.berth.builder.BuilderConfig;
import org.berth.builder.BuiltImage;
import org.berth.builder.SourceTree;
import org.berth.builder.strategy.BuildContextTar;
import org.berth.builder.strategy.DockerEngine;
import org.berth.imagecache.BlobUploads;
import org.berth.imagecache.EnvironmentKey;
import org.berth.imagecache.ImageDigest;
import org.berth.imagecache.ImageRef;
import org.berth.imagecache.RegistryImage;
import org.berth.imagecache.RegistryUnavailableException;

/**
 * repo2docker-style environment files on the Jupyter base, in two layers of work:
 *
 * <ol>
 *   <li>the environment image ({@code apt.txt}, {@code requirements.txt}, {@code runtime.txt}),
 *       built by the Docker engine from a generated Dockerfile and cached in the registry under the
 *       {@link EnvironmentKey} — shared by every commit and repository with the same files;
 *   <li>the content: with no {@code postBuild}, {@code start}, {@code setup.py} or {@code
 *       pyproject.toml}, the repository's files are added as content layers straight to the
 *       registry, only the changed ones written (see {@link ContentLayer}); otherwise a second
 *       generated Dockerfile copies the content and runs those steps.
 * </ol>
 *
 * A repository with no config at all gets the default environment: the base plus its content.
 * {@code environment.yml} is honoured as far as it can be without conda (see {@link
 * CondaEnvironment}): its {@code pip:} section; conda packages fail with a message naming them. R
 * ({@code runtime.txt} {@code r-...}, {@code install.R}, {@code DESCRIPTION}) is built as {@link
 * REnvironment} says, {@code Pipfile} and {@code Pipfile.lock} as {@link PipfileEnvironment} says;
 * config files Berth cannot build (Julia, Nix, ...) are refused by name before any engine step
 * ({@link UnsupportedConfig}). The generated Dockerfile is {@link EnvironmentRecipe}'s.
 */
public final class EnvironmentStrategy implements BuildStrategy {
  public static final String NAME = "environment";
  static final List<String> ENV_FILES =
      List.of(
          "apt.txt",
          "requirements.txt",
          "runtime.txt",
          "Pipfile",
          "Pipfile.lock",
          "install.R",
          "DESCRIPTION");

  /** Where the content Dockerfile sits in its build context (removed from the image). */
  static final String CONTENT_DOCKERFILE = ".berth.Dockerfile";

  static final List<String> POST_FILES =
      List.of("postBuild", "start", "setup.py", "pyproject.toml");

  private final DockerEngine engine;
  private final BuilderConfig config;
  private final ContentLayer contentLayer;
  private final Map<String, Object> envLocks = new ConcurrentHashMap<>();
  private final Map<ImageRef, BlobUploads> prepared = new ConcurrentHashMap<>();

  public EnvironmentStrategy(DockerEngine engine, BuilderConfig config) {
    this(engine, config, engine == null ? null : new ContentLayer(engine.registry()));
  }

  EnvironmentStrategy(DockerEngine engine, BuilderConfig config, ContentLayer contentLayer) {
    this.engine = engine;
    this.config = config;
    this.contentLayer = contentLayer;
  }

  @Override
  public String name() {
    return NAME;
  }

  /** Always applies: it is the last strategy, and the default when a repository has no config. */
  @Override
  public Optional<BuildPlan> detect(SourceTree tree) {
    List<String> found = new ArrayList<>();
    for (String f : concat(ENV_FILES, POST_FILES, List.of("environment.yml"))) {
      if (tree.has(f)) {
        found.add(f);
      }
    }
    return Optional.of(
        new BuildPlan(
            NAME,
            tree,
            found.isEmpty()
                ? "no config: default environment"
                : "environment files: " + String.join(", ", found)));
  }

  /** Opens the content layer's upload sessions while the source is fetched. */
  @Override
  public Preparation prepare(BuildContext ctx) {
    BlobUploads uploads = contentLayer.open(ctx.target());
    prepared.put(ctx.target(), uploads);
    return () -> {
      prepared.remove(ctx.target(), uploads);
      uploads.close();
    };
  }

  @Override
  public BuiltImage build(BuildPlan plan, BuildContext ctx) {
    SourceTree tree = plan.tree();
    UnsupportedConfig.refuse(tree);
    Map<String, byte[]> files = environmentFiles(tree); // refuses what cannot be built here
    EnvironmentRecipe recipe = recipe(tree, files);
    ignored(tree, files).forEach(ctx::log);
    ctx.events().accept(new BuildEvent.PhaseChanged(BuildEvent.Phase.BUILDING, plan.description()));
    // A repository that is an R package is installed once its content is there.
    boolean post = POST_FILES.stream().anyMatch(tree::has) || rPackage(files, recipe);
    if (!post) {
      return contentImage(tree, files, recipe, ctx);
    }
    ImageRef env = environmentImage(files, recipe, ctx);
    ctx.checkStillWanted();
    StepOutput out = new StepOutput(ctx);
    try {
      engine.build(
          BuildContextTar.of(tree)
              .withFile(
                  CONTENT_DOCKERFILE,
                  contentDockerfile(tree, env, rPackage(files, recipe)).getBytes(UTF_8))
              .dockerfile(CONTENT_DOCKERFILE),
          Map.of(),
          ctx.target(),
          out.context());
    } catch (BuildException e) {
      throw recipe.explain(e, out);
    }
    recipe.r().ifPresent(r -> noteRVersion(r, localLabel(env, REnvironment.VERSION_LABEL), ctx));
    ctx.events().accept(new BuildEvent.StepRan("post-build", false, "content + post-build steps"));
    ctx.checkStillWanted();
    ImageDigest digest = engine.pushTarget(ctx);
    return new BuiltImage(ctx.target(), digest, NAME);
  }

  /**
   * The content layer on the environment image. The layer is written while the environment image is
   * read (that read is also its existence check); only a missing environment goes to the engine.
   * When the environment was read before, the push starts from that read at once and the new read
   * only has to agree before the manifest is pushed.
   */
  private BuiltImage contentImage(
      SourceTree tree, Map<String, byte[]> files, EnvironmentRecipe recipe, BuildContext ctx) {
    ImageRef env = environmentRef(files);
    CompletableFuture<Optional<RegistryImage>> current = contentLayer.read(env, ctx.target());
    BlobUploads uploads = prepared.get(ctx.target());
    try (BlobUploads fresh = uploads == null ? contentLayer.open(ctx.target()) : null;
        ContentLayer.Pending layers =
            contentLayer.start(tree.files(), uploads == null ? fresh : uploads, ctx)) {
      Optional<RegistryImage> known = contentLayer.known(env);
      if (known.isPresent()) {
        ctx.events().accept(reused(files, env));
        noteRVersion(recipe, known.get(), ctx);
        try {
          return contentImage(known.get(), current, layers, ctx);
        } catch (ContentLayer.BaseChanged e) {
          ctx.log(e.getMessage() + "; pushing again on what the registry has now");
        }
      }
      Optional<RegistryImage> base = ContentLayer.await(current, "reading " + env);
      if (base.isPresent() && known.isEmpty()) {
        ctx.events().accept(reused(files, env));
        noteRVersion(recipe, base.get(), ctx);
      } else if (base.isEmpty()) {
        environmentImage(files, recipe, ctx);
        ctx.checkStillWanted();
        current = contentLayer.read(env, ctx.target());
        base = ContentLayer.await(current, "reading " + env);
      }
      return contentImage(base.orElseThrow(() -> ContentLayer.missing(env)), current, layers, ctx);
    }
  }

  private BuiltImage contentImage(
      RegistryImage env,
      CompletableFuture<Optional<RegistryImage>> current,
      ContentLayer.Pending layers,
      BuildContext ctx) {
    ctx.checkStillWanted();
    ctx.events()
        .accept(
            new BuildEvent.PhaseChanged(
                BuildEvent.Phase.PUSHING, "adding content layers to " + env.ref()));
    ImageDigest digest = layers.push(env, current);
    return new BuiltImage(ctx.target(), digest, NAME);
  }

  /**
   * The environment files of a tree, by name. An {@code environment.yml} stands in for {@code
   * requirements.txt} (as in repo2docker, which then ignores the latter): its {@code pip:} section
   * becomes the requirements; conda packages are refused (see {@link CondaEnvironment}).
   */
  static Map<String, byte[]> environmentFiles(SourceTree tree) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    Optional<Path> conda = tree.config("environment.yml");
    for (String name : ENV_FILES) {
      if (conda.isPresent() && name.equals("requirements.txt")) {
        CondaEnvironment env = CondaEnvironment.parse(tree.readBytes(conda.get()));
        if (!env.pip().isEmpty()) {
          files.put(name, env.requirements());
        }
        if (!env.python().isEmpty()) {
          files.putIfAbsent("runtime.txt", ("python-" + env.python()).getBytes());
        }
        continue;
      }
      if (name.equals("DESCRIPTION") && !tree.configAtRoot()) {
        continue; // an R package only at the root of a repository without binder/ (repo2docker)
      }
      tree.config(name).ifPresent(p -> files.put(name, tree.readBytes(p)));
    }
    return precedence(files, conda.isPresent());
  }

  /**
   * repo2docker's precedence among Python environment files: environment.yml over Pipfile(.lock),
   * and those over requirements.txt.
   */
  private static Map<String, byte[]> precedence(Map<String, byte[]> files, boolean conda) {
    if (conda) {
      files.remove("Pipfile");
      files.remove("Pipfile.lock");
    } else if (files.containsKey("Pipfile") || files.containsKey("Pipfile.lock")) {
      files.remove("requirements.txt");
    }
    return files;
  }

  /** Log lines naming the environment files that are present but not used. */
  private static List<String> ignored(SourceTree tree, Map<String, byte[]> files) {
    List<String> lines = new ArrayList<>();
    for (String name : List.of("requirements.txt", "Pipfile", "Pipfile.lock")) {
      if (tree.has(name) && !files.containsKey(name)) {
        lines.add(
            name
                + " is not used: "
                + (tree.has("environment.yml") ? "environment.yml" : "the Pipfile")
                + " describes the Python environment (as in repo2docker)");
      }
    }
    return lines;
  }

  private EnvironmentRecipe recipe(SourceTree tree, Map<String, byte[]> files) {
    return new EnvironmentRecipe(config, files, tree.has("environment.yml"));
  }

  /** Whether the repository is an R package to install with its content (repo2docker does). */
  private static boolean rPackage(Map<String, byte[]> files, EnvironmentRecipe recipe) {
    return files.containsKey("DESCRIPTION") && recipe.r().isPresent();
  }

  /** Says so when the environment's R (its image label) is not the R runtime.txt asks for. */
  private static void noteRVersion(EnvironmentRecipe recipe, RegistryImage env, BuildContext ctx) {
    if (recipe.r().isPresent()) {
      noteRVersion(recipe.r().get(), env.labels().get(REnvironment.VERSION_LABEL), ctx);
    }
  }

  /** A label of an image the engine has (it has just built on it); null when it cannot say. */
  private String localLabel(ImageRef image, String label) {
    try {
      Map<String, String> labels =
          engine.client().inspectImageCmd(image.toString()).exec().getConfig().getLabels();
      return labels == null ? null : labels.get(label);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static void noteRVersion(REnvironment r, String installed, BuildContext ctx) {
    r.versionNote(installed)
        .ifPresent(
            note -> {
              ctx.log("Note: " + note);
              ctx.events().accept(new BuildEvent.StepRan("r", false, note));
            });
  }

  /** The environment image's reference for a tree (the base itself when there are no files). */
  public ImageRef environmentRef(SourceTree tree) {
    return environmentRef(environmentFiles(tree));
  }

  private ImageRef environmentRef(Map<String, byte[]> files) {
    if (files.isEmpty()) {
      return ImageRef.parse(config.jupyterBaseImage());
    }
    String recipe = config.recipeVersion() + "|" + config.pipIndexUrl();
    if (REnvironment.of(files).isPresent()) {
      recipe += "|" + config.cranUrl() + "|" + config.cranSnapshotUrl();
    }
    return EnvironmentKey.of(files, config.jupyterBaseImage(), recipe).toRef(config.registry());
  }

  /** The environment image, built and pushed by the engine unless the registry has it. */
  private ImageRef environmentImage(
      Map<String, byte[]> files, EnvironmentRecipe recipe, BuildContext ctx) {
    ImageRef env = environmentRef(files);
    if (files.isEmpty()) {
      ctx.events().accept(reused(files, env));
      return env;
    }
    synchronized (envLocks.computeIfAbsent(env.tag(), k -> new Object())) {
      if (find(env).isPresent()) {
        ctx.events().accept(reused(files, env));
        return env;
      }
      if (files.containsKey("runtime.txt") && recipe.r().isEmpty()) {
        ctx.log(
            "runtime.txt ("
                + new String(files.get("runtime.txt")).strip()
                + "): the base provides Debian's Python 3; no other runtime is installed");
      }
      recipe.notes().forEach(ctx::log);
      checkNetwork(recipe, ctx);
      BuildContextTar context = BuildContextTar.empty();
      files.forEach(context::withFile);
      recipe.supportFiles().forEach((name, text) -> context.withFile(name, text.getBytes(UTF_8)));
      context.withFile("Dockerfile", recipe.dockerfile().getBytes(UTF_8));
      StepOutput out = new StepOutput(ctx);
      try {
        engine.build(context, recipe.buildArgs(), env, out.context());
        ctx.checkStillWanted();
        if (recipe.r().isPresent() && out.rVersion() != null) {
          // The R version, for builds that later reuse this environment, as a label.
          BuildContextTar label =
              BuildContextTar.empty()
                  .withFile(
                      "Dockerfile",
                      ("FROM "
                              + env
                              + "\nLABEL "
                              + REnvironment.VERSION_LABEL
                              + "=\""
                              + out.rVersion()
                              + "\"\n")
                          .getBytes(UTF_8));
          engine.build(label, Map.of(), env, ctx);
          noteRVersion(recipe.r().get(), out.rVersion(), ctx);
        }
        engine.push(env, ctx);
      } catch (BuildException e) {
        throw recipe.explain(e, out);
      }
      ctx.events().accept(new BuildEvent.StepRan("environment", false, "built " + env));
      return env;
    }
  }

  /** The environment step, when nothing had to be built for it. */
  private static BuildEvent reused(Map<String, byte[]> files, ImageRef env) {
    return new BuildEvent.StepRan(
        "environment", true, (files.isEmpty() ? "no environment files: " : "cached ") + env);
  }

  private Optional<ImageDigest> find(ImageRef ref) {
    try {
      return engine.registry().find(ref);
    } catch (RegistryUnavailableException e) {
      throw new BuildException(Failure.REGISTRY, e.getMessage(), e);
    }
  }

  /**
   * Checks, before any engine step, that the addresses the environment's steps need answer; fails
   * naming the one that does not.
   */
  private void checkNetwork(EnvironmentRecipe recipe, BuildContext ctx) {
    List<NetworkCheck.Target> targets = recipe.reachability();
    if (targets.isEmpty()) {
      return;
    }
    for (NetworkCheck.Result r :
        NetworkCheck.run(engine, ImageRef.parse(config.jupyterBaseImage()), targets, ctx)) {
      ctx.log(
          "checked "
              + r.target().url()
              + ": "
              + (r.status() == 0 ? "no answer (" + r.reason() + ")" : "HTTP " + r.status()));
      Optional<BuildException> failure = recipe.unreachable(r);
      if (failure.isPresent()) {
        throw failure.get();
      }
    }
    ctx.checkStillWanted();
  }

  /** The generated environment Dockerfile: environment steps only, no repository content. */
  String environmentDockerfile(Map<String, byte[]> files) {
    return new EnvironmentRecipe(config, files, false).dockerfile();
  }

  /**
   * The generated Dockerfile of the content and post-build steps; it goes into the build context as
   * {@link #CONTENT_DOCKERFILE}, never into the checkout.
   */
  private static String contentDockerfile(SourceTree tree, ImageRef env, boolean rPackage) {
    Path configDir = tree.configDir();
    String rel = tree.root().relativize(configDir).toString();
    String prefix = rel.isEmpty() ? "" : rel + "/";
    StringBuilder d = new StringBuilder();
    d.append("FROM ").append(env).append('\n');
    d.append("USER root\n");
    d.append("COPY --chown=1000:100 . /home/jovyan/\n");
    d.append("RUN rm -f /home/jovyan/.berth.Dockerfile\n");
    if (tree.has("setup.py") || tree.has("pyproject.toml")) {
      d.append(
              "RUN cd /home/jovyan && python3 -m pip install --no-cache-dir --break-system-packages"
                  + " --no-build-isolation --no-deps --timeout 5 --retries 0 .")
          .append(EnvironmentRecipe.marker("python-package"))
          .append('\n');
    }
    d.append("USER 1000\nWORKDIR /home/jovyan\n");
    if (rPackage) {
      // repo2docker installs a repository that is an R package (install_local); its
      // dependencies are in the environment image already.
      d.append("RUN R CMD INSTALL --no-docs /home/jovyan")
          .append(EnvironmentRecipe.marker("r-package"))
          .append('\n');
    }
    if (tree.has("postBuild")) {
      d.append("RUN chmod +x ")
          .append(prefix)
          .append("postBuild && ./")
          .append(prefix)
          .append("postBuild")
          .append(EnvironmentRecipe.marker("postBuild"))
          .append('\n');
    }
    if (tree.has("start")) {
      d.append("RUN chmod +x ").append(prefix).append("start\n");
      d.append("ENTRYPOINT [\"/usr/bin/tini\", \"--\", \"/home/jovyan/")
          .append(prefix)
          .append("start\"]\n");
      d.append("CMD [\"/usr/local/bin/berth-notebook\"]\n");
    }
    return d.toString();
  }

  @SafeVarargs
  private static List<String> concat(List<String>... lists) {
    List<String> all = new ArrayList<>();
    for (List<String> l : lists) {
      all.addAll(l);
    }
    return all;
  }
}
