package org.berth.builder.strategy;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.BuildResponseItem;
import com.github.dockerjava.api.model.PushResponseItem;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.berth.builder.BuildContext;
import org.berth.builder.BuildException;
import org.berth.builder.BuildException.Failure;
import org.berth.builder.BuildResources;
import org.berth.builder.SourceTree;
import org.berth.imagecache.ImageDigest;
import org.berth.imagecache.ImageRef;
import org.berth.imagecache.RegistryClient;
import org.berth.imagecache.RegistryUnavailableException;

/**
 * The Docker engine as the strategies use it: build with the classic builder, push, ask the
 * registry for the digest. Wraps docker-java errors into {@link BuildException}s that name the
 * engine, registry or image. Thread-safe.
 *
 * <p>Builds are sent by Berth ({@link EngineBuild}) with a context Berth wrote ({@link
 * BuildContextTar}: links stay links, nothing of the host follows them), and every {@code RUN} step
 * runs with the {@link BuildResources}: memory and CPU limits, on the build network ({@link
 * BuildNetwork}), not the engine's default bridge.
 */
public final class DockerEngine implements AutoCloseable {
  private static final java.util.regex.Pattern STEP =
      java.util.regex.Pattern.compile("Step (\\d+)/(\\d+) :");
  private final DockerClient docker;
  private final RegistryClient registry;
  private final BuildResources resources;
  private final BuildNetwork network;

  /** With the default {@link BuildResources}. */
  public DockerEngine(DockerClient docker, RegistryClient registry) {
    this(docker, registry, BuildResources.defaults());
  }

  /**
   * @param resources the memory, CPU and network of every build step
   */
  public DockerEngine(DockerClient docker, RegistryClient registry, BuildResources resources) {
    this.docker = docker;
    this.registry = registry;
    this.resources = resources;
    this.network = new BuildNetwork(docker, resources.network());
  }

  /** A client for {@code unix:///var/run/docker.sock} (or DOCKER_HOST). */
  public static DockerClient localClient() {
    DefaultDockerClientConfig config =
        DefaultDockerClientConfig.createDefaultConfigBuilder().build();
    ApacheDockerHttpClient http =
        new ApacheDockerHttpClient.Builder()
            .dockerHost(config.getDockerHost())
            .connectionTimeout(Duration.ofSeconds(10))
            .responseTimeout(Duration.ofHours(2))
            .maxConnections(50)
            .build();
    return DockerClientImpl.getInstance(config, http);
  }

  public DockerClient client() {
    return docker;
  }

  public RegistryClient registry() {
    return registry;
  }

  /** The memory, CPU and network every build step gets. */
  public BuildResources resources() {
    return resources;
  }

  /**
   * Makes sure the build network exists (creating it when missing) and returns its gateway: the
   * address at which build steps reach this host, e.g. for a package index it serves.
   */
  public String buildNetworkGateway() {
    return network.ensure();
  }

  /**
   * Builds {@code dockerfile} in {@code contextDir}, streaming the output as log lines, and tags
   * the result {@code tag}. Returns the image id. The context is sent as {@link BuildContextTar}
   * writes it: links as links, nothing followed. The Dockerfile must be inside {@code contextDir}.
   */
  public String build(
      Path contextDir, Path dockerfile, Map<String, String> args, ImageRef tag, BuildContext ctx) {
    Path relative = contextDir.normalize().relativize(dockerfile.normalize());
    if (relative.startsWith("..") || relative.isAbsolute()) {
      throw new IllegalArgumentException(dockerfile + " is not inside " + contextDir);
    }
    return build(
        BuildContextTar.of(new SourceTree(contextDir, null)).dockerfile(relative.toString()),
        args,
        tag,
        ctx);
  }

  /**
   * Builds {@code context} with the classic builder, streaming the output as log lines, and tags
   * the result {@code tag}. Every {@code RUN} step runs with {@link #resources()}: the memory and
   * CPU limits, on the build network. Returns the image id.
   */
  public String build(
      BuildContextTar context, Map<String, String> args, ImageRef tag, BuildContext ctx) {
    StringBuilder tail = new StringBuilder();
    AtomicReference<String> error = new AtomicReference<>();
    AtomicReference<String> imageId = new AtomicReference<>();
    String dockerfileText = context.dockerfileText().orElse("");
    EngineBuild request;
    try {
      network.ensure();
      request =
          new EngineBuild(
              http(), context.dockerfilePath(), args, tag, Map.of("org.berth.built", "true"));
    } catch (RuntimeException e) {
      throw engineDown(e);
    }
    // A line can arrive in pieces (a step prints in several writes): only whole lines are logged.
    StringBuilder partial = new StringBuilder();
    java.util.function.Consumer<String> emit =
        line -> {
          if (!line.isBlank()) {
            ctx.log(line.stripTrailing());
            java.util.regex.Matcher step = STEP.matcher(line);
            if (step.lookingAt()) {
              ctx.events()
                  .accept(
                      new org.berth.builder.BuildEvent.Progress(
                          "build", Long.parseLong(step.group(1)), Long.parseLong(step.group(2))));
            }
            synchronized (tail) {
              tail.append(line).append('\n');
              if (tail.length() > 8000) {
                tail.delete(0, tail.length() - 8000);
              }
            }
          }
        };
    Runnable flush =
        () -> {
          synchronized (partial) {
            String rest = partial.toString();
            partial.setLength(0);
            emit.accept(rest);
          }
        };
    Streaming<BuildResponseItem> callback =
        new Streaming<>() {
          @Override
          public void onNext(BuildResponseItem item) {
            if (item.getStream() != null) {
              String whole;
              synchronized (partial) {
                partial.append(item.getStream());
                int end = partial.lastIndexOf("\n");
                whole = end < 0 ? "" : partial.substring(0, end);
                partial.delete(0, end + 1);
              }
              for (String line : whole.split("\n")) {
                emit.accept(line);
              }
            }
            if (item.isErrorIndicated()) {
              flush.run();
            }
            if (item.isErrorIndicated()) {
              String msg =
                  item.getErrorDetail() != null
                      ? item.getErrorDetail().getMessage()
                      : item.getError();
              error.set(msg);
              ctx.log("ERROR: " + msg);
            }
            if (item.isBuildSuccessIndicated()) {
              imageId.set(item.getImageId());
            }
          }
        };
    Path tar = null;
    try {
      tar = Files.createTempFile("berth-context", ".tar");
      context.writeTo(tar);
      ctx.checkStillWanted();
      request.start(tar, resources, callback);
      waitFor(callback, ctx, "building " + tag);
    } catch (BuildException e) {
      throw e;
    } catch (IOException | UncheckedIOException e) {
      throw new BuildException(
          Failure.ENGINE, "the build context could not be written: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      if (error.get() == null) {
        throw engineDown(e);
      }
    } finally {
      deleteQuietly(tar);
      flush.run();
    }
    if (error.get() != null) {
      throw classify(error.get(), tail.toString(), dockerfileText, args);
    }
    if (imageId.get() == null) {
      throw new BuildException(Failure.ENGINE, "the Docker engine returned no image for " + tag);
    }
    return imageId.get();
  }

  /**
   * The last step of an engine build: announces PUSHING, pushes the target, drops the local tag
   * (the registry now holds the image) and returns the digest.
   */
  public ImageDigest pushTarget(BuildContext ctx) {
    ctx.events()
        .accept(
            new org.berth.builder.BuildEvent.PhaseChanged(
                org.berth.builder.BuildEvent.Phase.PUSHING, "pushing " + ctx.target()));
    ImageDigest digest = push(ctx.target(), ctx);
    removeImage(ctx.target());
    return digest;
  }

  /** Pushes the tag and returns the digest the registry reports afterwards. */
  public ImageDigest push(ImageRef ref, BuildContext ctx) {
    AtomicReference<String> error = new AtomicReference<>();
    Streaming<PushResponseItem> callback =
        new Streaming<>() {
          @Override
          public void onNext(PushResponseItem item) {
            if (item.isErrorIndicated()) {
              error.set(
                  item.getErrorDetail() != null
                      ? item.getErrorDetail().getMessage()
                      : item.getError());
            } else if (item.getStatus() != null && item.getId() == null) {
              ctx.log(item.getStatus());
            }
          }
        };
    try {
      docker
          .pushImageCmd(ref.registry() + "/" + ref.repository())
          .withTag(ref.tag())
          .exec(callback);
      waitFor(callback, ctx, "pushing " + ref);
    } catch (BuildException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new BuildException(
          Failure.REGISTRY, "pushing " + ref + " failed: " + e.getMessage(), e);
    }
    if (error.get() != null) {
      throw new BuildException(
          Failure.REGISTRY, "registry " + ref.registry() + " refused " + ref + ": " + error.get());
    }
    return digestOf(ref);
  }

  /** The digest the registry holds for the ref; fails when the registry does not have it. */
  public ImageDigest digestOf(ImageRef ref) {
    try {
      return registry
          .find(ref)
          .orElseThrow(
              () ->
                  new BuildException(
                      Failure.REGISTRY,
                      "registry " + ref.registry() + " does not have " + ref + " after the push"));
    } catch (RegistryUnavailableException e) {
      throw new BuildException(Failure.REGISTRY, e.getMessage(), e);
    }
  }

  /** Removes local tags the build made; failures are ignored (the engine may be gone). */
  public void removeImage(ImageRef ref) {
    try {
      docker.removeImageCmd(ref.toString()).withForce(false).withNoPrune(false).exec();
    } catch (RuntimeException e) {
      // nothing to do: the image may be in use by a later build of the same env
    }
  }

  /**
   * Waits for a stream without docker-java's timed awaitCompletion, which closes the stream when
   * the timeout passes.
   */
  private static void waitFor(Streaming<?> callback, BuildContext ctx, String what) {
    try {
      while (!callback.done.await(200, TimeUnit.MILLISECONDS)) {
        try {
          ctx.checkStillWanted();
        } catch (BuildException e) {
          closeQuietly(callback);
          throw e;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closeQuietly(callback);
      throw new BuildException(Failure.CANCELLED, what + " was interrupted");
    }
    if (callback.failure != null) {
      throw callback.failure instanceof RuntimeException r
          ? r
          : new RuntimeException(callback.failure);
    }
  }

  /** A stream callback with its own completion latch. */
  private static class Streaming<T> extends ResultCallback.Adapter<T> {
    final java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
    volatile Throwable failure;

    @Override
    public void onComplete() {
      done.countDown();
      super.onComplete();
    }

    @Override
    public void onError(Throwable t) {
      failure = t;
      done.countDown();
      try {
        close();
      } catch (java.io.IOException e) {
        // the stream is going away anyway
      }
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // closing the stream is what stops the engine's build
    }
  }

  private static BuildException engineDown(RuntimeException e) {
    return new BuildException(
        Failure.ENGINE, "the Docker engine cannot be reached: " + e.getMessage(), e);
  }

  /**
   * Turns the engine's error text into a failure a user understands: what failed and what to do.
   * The engine's own words (and the failing step's command) stay in the log, not in the summary.
   */
  static BuildException classify(
      String error, String tail, Path dockerfile, Map<String, String> args) {
    String text;
    try {
      text = Files.readString(dockerfile);
    } catch (IOException | RuntimeException e) {
      text = "";
    }
    return classify(error, tail, text, args);
  }

  /** As above, with the Dockerfile's text. */
  static BuildException classify(
      String error, String tail, String dockerfile, Map<String, String> args) {
    String lower = (error + "\n" + tail).toLowerCase();
    List<String> bases = DockerfileBases.of(dockerfile, args);
    boolean notFound =
        lower.contains("manifest unknown")
            || lower.contains("repository does not exist")
            || lower.contains("pull access denied")
            || (lower.contains("not found") && lower.contains("manifest"));
    boolean unreachable =
        lower.contains("error pulling")
            || (lower.contains("failed to resolve") && lower.contains("docker.io"))
            || (lower.contains("/v2/")
                && (lower.contains("dial tcp")
                    || lower.contains("no such host")
                    || lower.contains("server misbehaving")
                    || lower.contains("timeout")));
    if ((notFound || unreachable) && !bases.isEmpty()) {
      String base =
          bases.stream()
              .filter(b -> error.contains(b))
              .findFirst()
              .orElse(String.join(", ", bases));
      if (notFound) {
        return new BuildException(
            Failure.NETWORK,
            "The base image "
                + base
                + ", named in the Dockerfile, could not be pulled: its registry ("
                + registryOf(base)
                + ") does not have it. Check the image's name and tag on the Dockerfile's FROM"
                + " line.");
      }
      return new BuildException(
          Failure.NETWORK,
          "The base image "
              + base
              + ", named in the Dockerfile, could not be pulled: Berth's build machines cannot"
              + " reach its registry ("
              + registryOf(base)
              + "). Use a base image from a registry they reach (ask your Berth administrator"
              + " which), or Berth's own Jupyter base, which Berth passes to the Dockerfile as the"
              + " build argument BASE_IMAGE.");
    }
    java.util.regex.Matcher exit =
        java.util.regex.Pattern.compile("returned a non-zero code: (\\d+)").matcher(error);
    String step = "A step";
    java.util.regex.Matcher steps = STEP.matcher("");
    for (String line : tail.split("\n")) {
      if (steps.reset(line).lookingAt()) {
        step = "Step " + steps.group(1) + "/" + steps.group(2);
      }
    }
    if (error.contains("returned a non-zero code: 97")) {
      return new BuildException(
          Failure.NETWORK,
          step
              + " of the Dockerfile could not reach the package index. Try again later; if it"
              + " keeps failing, ask your Berth administrator to check the package index"
              + " (berth.builder.pip-index-url).");
    }
    if (exit.find()) {
      boolean network =
          lower.contains("newconnectionerror")
              || lower.contains("failed to establish a new connection")
              || lower.contains("temporary failure in name resolution")
              || lower.contains("could not resolve host");
      return new BuildException(
          network ? Failure.NETWORK : Failure.RECIPE,
          step
              + " of the Dockerfile failed (exit code "
              + exit.group(1)
              + ")"
              + (network
                  ? ": it could not reach a server it needed. Only Debian's package mirror and the"
                      + " servers your Berth administrator configured can be reached from Berth's"
                      + " build machines."
                  : ".")
              + " The build log shows the step's output.");
    }
    return new BuildException(
        Failure.RECIPE, "The Docker engine could not build the Dockerfile: " + error.strip());
  }

  /** The registry an image comes from, as a user knows it. */
  static String registryOf(String image) {
    int slash = image.indexOf('/');
    if (slash > 0) {
      String first = image.substring(0, slash);
      if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
        return first;
      }
    }
    return "Docker Hub";
  }

  @Override
  public void close() throws Exception {
    docker.close();
  }

  /** Base images named by FROM lines, with build-arg defaults left as written. */
  static final class DockerfileBases {
    static List<String> of(String dockerfile, Map<String, String> args) {
      try {
        java.util.Set<String> stages = new java.util.HashSet<>();
        return dockerfile
            .lines()
            .map(String::strip)
            .filter(l -> l.regionMatches(true, 0, "FROM ", 0, 5))
            .map(l -> l.substring(5).strip().split("\\s+"))
            .filter(
                w -> {
                  // FROM image AS stage: a later FROM stage is no image to pull
                  String image =
                      java.util.Arrays.stream(w)
                          .filter(x -> !x.startsWith("--"))
                          .findFirst()
                          .orElse("");
                  boolean stage = stages.contains(image.toLowerCase());
                  if (w.length >= 3 && w[w.length - 2].equalsIgnoreCase("as")) {
                    stages.add(w[w.length - 1].toLowerCase());
                  }
                  return !stage;
                })
            .map(w -> java.util.Arrays.stream(w).filter(x -> !x.startsWith("--")).findFirst())
            .flatMap(java.util.Optional::stream)
            .map(
                s -> {
                  String out = s;
                  for (Map.Entry<String, String> a : args.entrySet()) {
                    out =
                        out.replace("${" + a.getKey() + "}", a.getValue())
                            .replace("$" + a.getKey(), a.getValue());
                  }
                  return out;
                })
            .toList();
      } catch (RuntimeException e) {
        return List.of();
      }
    }
  }

  private com.github.dockerjava.transport.DockerHttpClient http() {
    if (docker instanceof DockerClientImpl impl) {
      return impl.getHttpClient();
    }
    throw new IllegalStateException("builds need docker-java's own client (see localClient)");
  }

  private static void deleteQuietly(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // a temporary file left behind
      }
    }
  }
}
