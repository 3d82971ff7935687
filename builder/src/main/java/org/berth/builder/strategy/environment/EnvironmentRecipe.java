package org.berth.builder.strategy.environment;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.berth.builder.BuildException;
import org.berth.builder.BuildException.Failure;
import org.berth.builder.BuilderConfig;

/**
 * How an environment image is made from its files: the generated Dockerfile (environment steps
 * only; the steps that are the same for every repository first, so that the engine's layer cache
 * shares them), the helper files it copies, the addresses its steps need, and what to tell the user
 * when a step fails. Summaries say what failed and what the user or the administrator can do; they
 * never quote a step's command, which stays in the log.
 */
final class EnvironmentRecipe {
  /** Where the environment files are copied during the build (removed at the end). */
  static final String WORK = "/tmp/berth-env";

  static final String PIP_DEFAULT_INDEX = "https://pypi.org/simple/";

  private final BuilderConfig config;
  private final Collection<String> files;
  private final Optional<REnvironment> r;
  private final Optional<PipfileEnvironment> pipfile;
  private final boolean fromEnvironmentYml;

  /**
   * @param files the environment files (see {@code EnvironmentStrategy.environmentFiles})
   * @param fromEnvironmentYml whether {@code requirements.txt} is the pip section of
   *     environment.yml
   */
  EnvironmentRecipe(BuilderConfig config, Map<String, byte[]> files, boolean fromEnvironmentYml) {
    this.config = config;
    this.files = List.copyOf(files.keySet());
    this.r = REnvironment.of(files);
    this.pipfile = PipfileEnvironment.of(files);
    this.fromEnvironmentYml = fromEnvironmentYml;
  }

  /** The shell ending of a generated step: on failure, name the step for {@link StepOutput}. */
  static String marker(String step) {
    return " || { s=$?; echo \"berth-failed: step " + step + "\"; exit $s; }";
  }

  Optional<REnvironment> r() {
    return r;
  }

  /** The package index pip and pipenv use. */
  String indexUrl() {
    String index = config.pipIndexUrl();
    return index == null || index.isBlank() ? PIP_DEFAULT_INDEX : index;
  }

  /** Build arguments of the Dockerfile. */
  Map<String, String> buildArgs() {
    // A value of its own each time, so the last step (which reports the R version) always runs.
    return r.isPresent() ? Map.of("BERTH_BUILD", Long.toString(System.nanoTime())) : Map.of();
  }

  /** Lines to log before the build starts. */
  List<String> notes() {
    List<String> notes = new ArrayList<>();
    r.ifPresent(env -> notes.addAll(env.notes(config)));
    return notes;
  }

  /** The Dockerfile of the environment image. */
  String dockerfile() {
    StringBuilder d = new StringBuilder();
    d.append("FROM ").append(config.jupyterBaseImage()).append('\n');
    d.append("USER root\n");
    if (r.isPresent()) {
      d.append(REnvironment.installSteps());
    }
    if (pipfile.isPresent()) {
      d.append(PipfileEnvironment.installSteps());
    }
    if (files.contains("apt.txt")) {
      d.append("COPY apt.txt ").append(WORK).append("/apt.txt\n");
      d.append(
              "RUN apt-get update -qq"
                  + " && sed -e 's/#.*//' "
                  + WORK
                  + "/apt.txt | xargs -r apt-get install -y -q --no-install-recommends"
                  + " && apt-get clean && rm -rf /var/lib/apt/lists/*")
          .append(marker("apt.txt"))
          .append('\n');
    }
    if (files.contains("requirements.txt")) {
      d.append("COPY requirements.txt ").append(WORK).append("/requirements.txt\n");
      StringBuilder pip =
          new StringBuilder(
              "RUN python3 -m pip install --no-cache-dir --break-system-packages"
                  + " --disable-pip-version-check --timeout 5 --retries 0");
      String index = config.pipIndexUrl();
      if (index != null && !index.isBlank()) {
        pip.append(" --index-url ").append(index);
        if (index.startsWith("http://")) {
          pip.append(" --trusted-host ").append(java.net.URI.create(index).getHost());
        }
      }
      pip.append(" -r ").append(WORK).append("/requirements.txt");
      d.append(pip).append(marker("requirements.txt")).append('\n');
    }
    pipfile.ifPresent(p -> d.append(p.packageSteps(config.pipIndexUrl())));
    r.ifPresent(env -> d.append(env.packageSteps(config)));
    if (r.isPresent()) {
      d.append("ARG BERTH_BUILD\n");
      d.append("RUN rm -rf ").append(WORK).append(" && ").append(REnvironment.versionCommand());
    } else {
      d.append("RUN rm -rf ").append(WORK);
    }
    d.append('\n');
    d.append("USER 1000\n");
    return d.toString();
  }

  /** Helper files the Dockerfile copies, by name. */
  Map<String, String> supportFiles() {
    return r.map(REnvironment::scripts).orElse(Map.of());
  }

  /** The addresses the steps need, to check before any engine step. */
  List<NetworkCheck.Target> reachability() {
    List<NetworkCheck.Target> targets = new ArrayList<>();
    if (files.contains("requirements.txt") || pipfile.isPresent()) {
      targets.add(new NetworkCheck.Target("index", indexUrl()));
    }
    r.filter(REnvironment::needsCran)
        .ifPresent(
            env ->
                targets.add(
                    new NetworkCheck.Target(
                        "cran", env.cranUrl(config) + "/src/contrib/PACKAGES")));
    return targets;
  }

  /** The failure for an address that did not answer as it should, or empty when it did. */
  Optional<BuildException> unreachable(NetworkCheck.Result result) {
    if (result.ok()) {
      return Optional.empty();
    }
    return Optional.of(
        result.target().what().equals("cran")
            ? cranFailure(result.status())
            : indexFailure(result.status()));
  }

  /** What the Python packages are, as a summary names them. */
  private String pythonPackages() {
    if (pipfile.isPresent()) {
      return "the Python packages of " + pipfile.get().source();
    }
    return fromEnvironmentYml
        ? "the Python packages of environment.yml's pip: section"
        : "the Python packages of requirements.txt";
  }

  private BuildException indexFailure(int status) {
    String url = indexUrl();
    String what =
        status == 0
            ? "The package index " + url + " could not be reached"
            : "The package index " + url + " answered HTTP " + status;
    return new BuildException(
        Failure.NETWORK,
        what
            + ", so "
            + pythonPackages()
            + " could not be installed. Try again later; if it keeps failing, ask your Berth"
            + " administrator to check the package index (berth.builder.pip-index-url).");
  }

  private BuildException cranFailure(int status) {
    REnvironment env = r.orElseThrow();
    String url = env.cranUrl(config);
    boolean snapshot = env.snapshot(config);
    String packages = env.packagesOf();
    if (snapshot && status == 404) {
      return new BuildException(
          Failure.NETWORK,
          "The CRAN snapshot of "
              + env.date()
              + " was not found at "
              + url
              + ", so "
              + packages
              + " could not be installed. Choose another date in runtime.txt, or ask your Berth"
              + " administrator to check the CRAN snapshot address"
              + " (berth.builder.cran-snapshot-url).");
    }
    String what =
        snapshot
            ? "The CRAN snapshot of " + env.date() + " could not be reached at " + url
            : "CRAN could not be reached at " + url;
    if (status != 0) {
      what =
          (snapshot ? "The CRAN snapshot of " + env.date() + " at " : "The CRAN mirror ")
              + url
              + " answered HTTP "
              + status
              + " for its package list";
    }
    return new BuildException(
        Failure.NETWORK,
        what
            + ", so "
            + packages
            + " could not be installed. Try again later; if it keeps failing, ask your Berth"
            + " administrator to check the CRAN mirror ("
            + (snapshot ? "berth.builder.cran-snapshot-url" : "berth.builder.cran-url")
            + ").");
  }

  /**
   * The failure of a generated step in the user's words, from what {@code out} saw; {@code e}
   * itself when the failure was not a step's (the engine, the registry, a cancel, the time limit).
   */
  BuildException explain(BuildException e, StepOutput out) {
    if (e.failure() != Failure.RECIPE && e.failure() != Failure.NETWORK) {
      return e;
    }
    String step = out.failedStep();
    String code = out.exitCode().isEmpty() ? "" : " (exit code " + out.exitCode() + ")";
    String summary;
    Failure failure = Failure.RECIPE;
    if (out.cranUnreachable() && r.isPresent()) {
      return wrap(cranFailure(0), e);
    }
    switch (step) {
      case "apt.txt" -> {
        if (!out.aptMissing().isEmpty()) {
          summary =
              "apt.txt names "
                  + String.join(", ", out.aptMissing())
                  + ", which Debian's package lists do not have. Check the names: Berth installs"
                  + " the packages of apt.txt from Debian.";
        } else {
          summary =
              "Installing the Debian packages of apt.txt failed"
                  + code
                  + ". The build log shows apt's message.";
        }
      }
      case "requirements.txt", "Pipfile", "Pipfile.lock" -> {
        if (!out.pipMissing().isEmpty()) {
          String file = pipfile.map(PipfileEnvironment::source).orElse(pipSource());
          summary =
              file
                  + " asks for "
                  + String.join(", ", out.pipMissing())
                  + ", which the package index "
                  + indexUrl()
                  + " does not have. Check the names and versions in "
                  + file
                  + ".";
        } else if (out.networkTrouble()) {
          return wrap(indexFailure(0), e);
        } else {
          summary =
              "Installing "
                  + pythonPackages()
                  + " from the package index "
                  + indexUrl()
                  + " failed"
                  + code
                  + ". The build log shows "
                  + (pipfile.isPresent() ? "pipenv's" : "pip's")
                  + " message.";
        }
      }
      case "r", "pipenv" -> {
        failure = Failure.NETWORK;
        summary =
            "Installing "
                + (step.equals("r") ? "R" : "pipenv")
                + " from Debian's packages failed"
                + code
                + ". Try again later; if it keeps failing, ask your Berth administrator to check"
                + " that the build machines reach Debian's package mirror.";
      }
      case "install.R", "DESCRIPTION" -> {
        String url = r.map(env -> env.cranUrl(config)).orElse(config.cranUrl());
        if (!out.rPackages().isEmpty()) {
          summary =
              (step.equals("install.R")
                      ? "install.R asks for R packages"
                      : "DESCRIPTION depends on R packages")
                  + " that could not be installed from CRAN ("
                  + url
                  + "): "
                  + String.join(", ", out.rPackages())
                  + ". Check their names; the build log shows R's messages.";
        } else {
          summary =
              (step.equals("install.R")
                      ? "install.R failed"
                      : "Installing the R packages DESCRIPTION depends on failed")
                  + code
                  + ". The build log shows R's message.";
        }
      }
      case "postBuild" -> summary = "postBuild failed" + code + ". The build log shows its output.";
      case "python-package" ->
          summary =
              "Installing the repository as a Python package (setup.py or pyproject.toml) failed"
                  + code
                  + ". The build log shows pip's message.";
      case "r-package" ->
          summary =
              "Installing the repository as an R package (its DESCRIPTION) failed"
                  + code
                  + ". The build log shows R's message.";
      default -> {
        return e;
      }
    }
    return wrap(new BuildException(failure, summary), e);
  }

  private String pipSource() {
    return fromEnvironmentYml ? "environment.yml" : "requirements.txt";
  }

  private static BuildException wrap(BuildException summary, BuildException cause) {
    return new BuildException(summary.failure(), summary.getMessage(), cause);
  }
}
