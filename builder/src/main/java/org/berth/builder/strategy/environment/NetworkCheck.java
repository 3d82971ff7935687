package org.berth.builder.strategy.environment;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.berth.builder.BuildContext;
import org.berth.builder.BuildException;
import org.berth.builder.BuildException.Failure;
import org.berth.builder.strategy.DockerEngine;
import org.berth.imagecache.ImageRef;

/**
 * Asks, from a short container of the base image on the build network (where the build's steps
 * run), whether the addresses an environment needs answer: the package index, CRAN. It runs before
 * any engine build of the environment, every time (a check inside the Dockerfile would be taken
 * from the engine's layer cache after its first success), so that an unreachable index or CRAN
 * fails the build in seconds, saying which, instead of after R or apt packages were installed.
 */
final class NetworkCheck {
  /** How long the whole check may take (name resolution is not bounded by the fetch timeout). */
  private static final long LIMIT_SECONDS = 45;

  private static final String SCRIPT =
      """
      import sys, urllib.request, urllib.error
      for url in sys.argv[1:]:
          try:
              with urllib.request.urlopen(url, timeout=5) as r:
                  print("berth-check", r.status, url, "-", flush=True)
          except urllib.error.HTTPError as e:
              print("berth-check", e.code, url, "-", flush=True)
          except Exception as e:
              reason = getattr(e, "reason", e)
              print("berth-check 0", url, type(reason).__name__ + ":", reason, flush=True)
      """;

  /**
   * An address a build needs.
   *
   * @param what what it is, e.g. {@code cran} or {@code index}
   * @param url the address fetched (with GET, the body not read)
   */
  record Target(String what, String url) {}

  /**
   * What one address answered.
   *
   * @param target the address
   * @param status the HTTP status, or 0 when no answer came
   * @param reason why no answer came (empty otherwise)
   */
  record Result(Target target, int status, String reason) {
    boolean ok() {
      return status >= 200 && status < 400;
    }
  }

  private NetworkCheck() {}

  /** Checks the targets from a container of {@code image}; one result per target, in order. */
  static List<Result> run(
      DockerEngine engine, ImageRef image, List<Target> targets, BuildContext ctx) {
    if (targets.isEmpty()) {
      return List.of();
    }
    DockerClient docker = engine.client();
    List<String> command = new ArrayList<>(List.of("-c", SCRIPT));
    targets.forEach(t -> command.add(t.url()));
    engine.buildNetworkGateway(); // the check runs where the build steps will: on the build network
    String id = create(docker, image, command, engine.resources().network(), ctx);
    StringBuilder out = new StringBuilder();
    try {
      docker.startContainerCmd(id).exec();
      docker
          .waitContainerCmd(id)
          .start()
          .awaitStatusCode(Math.min(ctx.millisLeft(), LIMIT_SECONDS * 1000), TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      // No status in time: whatever was printed so far still tells which addresses answered.
      ctx.checkStillWanted();
    } finally {
      try {
        docker
            .logContainerCmd(id)
            .withStdOut(true)
            .withStdErr(true)
            .exec(
                new ResultCallback.Adapter<Frame>() {
                  @Override
                  public void onNext(Frame frame) {
                    out.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                  }
                })
            .awaitCompletion(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        // the container may be gone; what was read is all there is
      }
      try {
        docker.removeContainerCmd(id).withForce(true).exec();
      } catch (RuntimeException ignored) {
        // already gone
      }
    }
    return results(targets, out.toString());
  }

  /** Reads the script's lines; a target with no line got no answer within the limit. */
  static List<Result> results(List<Target> targets, String output) {
    Map<String, Result> byUrl = new LinkedHashMap<>();
    for (String line : output.split("\n")) {
      String[] parts = line.strip().split(" ", 4);
      if (parts.length == 4 && parts[0].equals("berth-check")) {
        int status;
        try {
          status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
          continue;
        }
        byUrl.put(parts[2], new Result(null, status, status == 0 ? parts[3] : ""));
      }
    }
    List<Result> results = new ArrayList<>();
    for (Target t : targets) {
      Result r = byUrl.get(t.url());
      results.add(
          r == null
              ? new Result(t, 0, "no answer within " + LIMIT_SECONDS + " s")
              : new Result(t, r.status(), r.reason()));
    }
    return results;
  }

  private static String create(
      DockerClient docker, ImageRef image, List<String> command, String network, BuildContext ctx) {
    for (int attempt = 0; ; attempt++) {
      try {
        return docker
            .createContainerCmd(image.toString())
            .withEntrypoint("python3")
            .withCmd(command)
            .withLabels(Map.of("org.berth.build", ctx.target().toString()))
            .withHostConfig(
                HostConfig.newHostConfig().withMemory(256L << 20).withNetworkMode(network))
            .exec()
            .getId();
      } catch (NotFoundException e) {
        if (attempt > 0) {
          throw new BuildException(
              Failure.ENGINE, "the Docker engine has no image " + image + " to check from", e);
        }
        pull(docker, image, ctx);
      } catch (RuntimeException e) {
        throw new BuildException(
            Failure.ENGINE, "the Docker engine cannot run a check container: " + e.getMessage(), e);
      }
    }
  }

  private static void pull(DockerClient docker, ImageRef image, BuildContext ctx) {
    try {
      docker
          .pullImageCmd(image.registry() + "/" + image.repository())
          .withTag(image.tag())
          .start()
          .awaitCompletion(ctx.millisLeft(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BuildException(Failure.CANCELLED, "pulling " + image + " was interrupted");
    } catch (RuntimeException e) {
      throw new BuildException(
          Failure.REGISTRY, "the base image " + image + " cannot be pulled: " + e.getMessage(), e);
    }
  }
}
