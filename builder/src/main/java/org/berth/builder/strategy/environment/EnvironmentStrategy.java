package org.berth.builder.strategy.environment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
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
import org.berth.builder.source.GitRepoProvider;
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
 * CondaEnvironment}): its {@code pip:} section; conda packages fail with a message naming them.
 */
public final class EnvironmentStrategy implements BuildStrategy {
  public static final String NAME = "environment";
  static final List<String> ENV_FILES = List.of("apt.txt", "requirements.txt", "runtime.txt");
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
    Map<String, byte[]> files = environmentFiles(tree); // refuses what cannot be built here
    ctx.events().accept(new BuildEvent.PhaseChanged(BuildEvent.Phase.BUILDING, plan.description()));
    boolean post = POST_FILES.stream().anyMatch(tree::has);
    if (!post) {
      return contentImage(tree, files, ctx);
    }
    ImageRef env = environmentImage(files, ctx);
    ctx.checkStillWanted();
    Path dockerfile = writeContentDockerfile(tree, env);
    engine.build(tree.root(), dockerfile, Map.of(), ctx.target(), ctx);
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
  private BuiltImage contentImage(SourceTree tree, Map<String, byte[]> files, BuildContext ctx) {
    ImageRef env = environmentRef(files);
    CompletableFuture<Optional<RegistryImage>> current = contentLayer.read(env, ctx.target());
    BlobUploads uploads = prepared.get(ctx.target());
    try (BlobUploads fresh = uploads == null ? contentLayer.open(ctx.target()) : null;
        ContentLayer.Pending layers =
            contentLayer.start(tree.files(), uploads == null ? fresh : uploads, ctx)) {
      Optional<RegistryImage> known = contentLayer.known(env);
      if (known.isPresent()) {
        ctx.events().accept(reused(files, env));
        try {
          return contentImage(known.get(), current, layers, ctx);
        } catch (ContentLayer.BaseChanged e) {
          ctx.log(e.getMessage() + "; pushing again on what the registry has now");
        }
      }
      Optional<RegistryImage> base = ContentLayer.await(current, "reading " + env);
      if (base.isPresent() && known.isEmpty()) {
        ctx.events().accept(reused(files, env));
      } else if (base.isEmpty()) {
        environmentImage(files, ctx);
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
        CondaEnvironment env = CondaEnvironment.parse(readBytes(conda.get()));
        if (!env.pip().isEmpty()) {
          files.put(name, env.requirements());
        }
        if (!env.python().isEmpty()) {
          files.putIfAbsent("runtime.txt", ("python-" + env.python()).getBytes());
        }
        continue;
      }
      tree.config(name).ifPresent(p -> files.put(name, readBytes(p)));
    }
    return files;
  }

  /** The environment image's reference for a tree (the base itself when there are no files). */
  public ImageRef environmentRef(SourceTree tree) {
    return environmentRef(environmentFiles(tree));
  }

  private ImageRef environmentRef(Map<String, byte[]> files) {
    if (files.isEmpty()) {
      return ImageRef.parse(config.jupyterBaseImage());
    }
    return EnvironmentKey.of(
            files, config.jupyterBaseImage(), config.recipeVersion() + "|" + config.pipIndexUrl())
        .toRef(config.registry());
  }

  /** The environment image, built and pushed by the engine unless the registry has it. */
  private ImageRef environmentImage(Map<String, byte[]> files, BuildContext ctx) {
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
      if (files.containsKey("runtime.txt")) {
        ctx.log(
            "runtime.txt ("
                + new String(files.get("runtime.txt")).strip()
                + "): the base provides Debian's Python 3; no other runtime is installed");
      }
      Path dir;
      try {
        dir = Files.createTempDirectory("berth-env");
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
          Files.write(dir.resolve(f.getKey()), f.getValue());
        }
        Files.writeString(dir.resolve("Dockerfile"), environmentDockerfile(files.keySet()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      try {
        engine.build(dir, dir.resolve("Dockerfile"), Map.of(), env, ctx);
        ctx.checkStillWanted();
        engine.push(env, ctx);
      } finally {
        GitRepoProvider.clear(dir);
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

  /** The generated environment Dockerfile: environment steps only, no repository content. */
  String environmentDockerfile(java.util.Collection<String> files) {
    StringBuilder d = new StringBuilder();
    d.append("FROM ").append(config.jupyterBaseImage()).append('\n');
    d.append("USER root\n");
    if (files.contains("apt.txt")) {
      d.append("COPY apt.txt /tmp/berth-env/apt.txt\n");
      d.append(
          "RUN apt-get update -qq"
              + " && sed -e 's/#.*//' /tmp/berth-env/apt.txt | xargs -r apt-get install -y -q --no-install-recommends"
              + " && apt-get clean && rm -rf /var/lib/apt/lists/*\n");
    }
    if (files.contains("requirements.txt")) {
      d.append("COPY requirements.txt /tmp/berth-env/requirements.txt\n");
      StringBuilder pip =
          new StringBuilder(
              "python3 -m pip install --no-cache-dir --break-system-packages --disable-pip-version-check"
                  + " --timeout 5 --retries 0");
      String index = config.pipIndexUrl();
      if (index != null && !index.isBlank()) {
        pip.append(" --index-url ").append(index);
        if (index.startsWith("http://")) {
          pip.append(" --trusted-host ").append(java.net.URI.create(index).getHost());
        }
      }
      pip.append(" -r /tmp/berth-env/requirements.txt");
      // Probe the index first so "unreachable" is told apart from "package not there".
      String probeUrl = index == null || index.isBlank() ? "https://pypi.org/simple/" : index;
      d.append(
              "RUN python3 -c \"import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=5)\" ")
          .append(probeUrl)
          .append(" || { echo berth-pip-index-unreachable: ")
          .append(probeUrl)
          .append("; exit 97; }; ")
          .append(pip)
          .append('\n');
    }
    d.append("RUN rm -rf /tmp/berth-env\n");
    d.append("USER 1000\n");
    return d.toString();
  }

  private static Path writeContentDockerfile(SourceTree tree, ImageRef env) {
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
              + " --no-build-isolation --no-deps --timeout 5 --retries 0 .\n");
    }
    d.append("USER 1000\nWORKDIR /home/jovyan\n");
    if (tree.has("postBuild")) {
      d.append("RUN chmod +x ")
          .append(prefix)
          .append("postBuild && ./")
          .append(prefix)
          .append("postBuild\n");
    }
    if (tree.has("start")) {
      d.append("RUN chmod +x ").append(prefix).append("start\n");
      d.append("ENTRYPOINT [\"/usr/bin/tini\", \"--\", \"/home/jovyan/")
          .append(prefix)
          .append("start\"]\n");
      d.append("CMD [\"/usr/local/bin/berth-notebook\"]\n");
    }
    try {
      Path file = tree.root().resolve(".berth.Dockerfile");
      Files.writeString(file, d.toString());
      Path ignore = tree.root().resolve(".dockerignore");
      String existing = Files.exists(ignore) ? Files.readString(ignore) + "\n" : "";
      Files.writeString(ignore, existing + ".git\n");
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] readBytes(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
