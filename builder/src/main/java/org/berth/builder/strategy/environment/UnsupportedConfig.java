package org.berth.builder.strategy.environment;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.berth.builder.BuildException;
import org.berth.builder.BuildException.Failure;
import org.berth.builder.SourceTree;

/**
 * Config files that repo2docker reads and Berth cannot build here, refused by name before any
 * engine step, so that nobody is handed a default environment in place of the one the repository
 * asked for. Looked up where the environment strategy looks for its own files ({@code binder/},
 * {@code .binder/} or the root); a Dockerfile takes precedence over all of them, as in repo2docker.
 */
final class UnsupportedConfig {
  /**
   * One kind of environment Berth cannot build.
   *
   * @param files the files that ask for it, in repo2docker's order
   * @param what what they ask for
   * @param why why Berth cannot build it here
   */
  private record Kind(List<String> files, String what, String why) {}

  private static final List<Kind> KINDS =
      List.of(
          new Kind(
              List.of("Project.toml", "JuliaProject.toml", "REQUIRE", "Manifest.toml"),
              "a Julia environment",
              "Julia is not among the Debian packages Berth builds from"),
          new Kind(
              List.of("default.nix", "flake.nix"),
              "a Nix environment",
              "no Nix channel can be reached from its build machines"),
          new Kind(
              List.of("manifest.scm", "channels.scm"),
              "a Guix environment",
              "no Guix channel can be reached from its build machines"));

  static final String BUILDS_FROM =
      " Berth builds environments from apt.txt, requirements.txt, environment.yml (pip packages),"
          + " Pipfile, runtime.txt with install.R or DESCRIPTION (R), postBuild and a Dockerfile;"
          + " describe the environment with those to run this repository here.";

  private UnsupportedConfig() {}

  /** Throws a RECIPE failure naming the files when the tree asks for what Berth cannot build. */
  static void refuse(SourceTree tree) {
    List<String> reasons = new ArrayList<>();
    for (Kind kind : KINDS) {
      List<String> found = kind.files().stream().filter(tree::has).toList();
      if (!found.isEmpty()) {
        reasons.add(
            join(found)
                + (found.size() == 1 ? " asks for " : " ask for ")
                + kind.what()
                + ", which Berth cannot build: "
                + kind.why()
                + ".");
      }
    }
    runtime(tree).ifPresent(reasons::add);
    if (!reasons.isEmpty()) {
      throw new BuildException(Failure.RECIPE, String.join(" ", reasons) + BUILDS_FROM);
    }
  }

  /** A runtime.txt naming a runtime other than Python or R. */
  private static Optional<String> runtime(SourceTree tree) {
    return tree.config("runtime.txt")
        .map(p -> tree.read(p).strip())
        .filter(text -> !text.isEmpty() && !text.startsWith("python") && !text.startsWith("r-"))
        .map(
            text ->
                "runtime.txt asks for \""
                    + (text.length() > 40 ? text.substring(0, 40) + "…" : text)
                    + "\", which Berth does not know: it reads python-<version> and"
                    + " r-<YYYY-MM-DD> or r-<version>-<YYYY-MM-DD>.");
  }

  private static String join(List<String> names) {
    if (names.size() == 1) {
      return names.get(0);
    }
    return String.join(", ", names.subList(0, names.size() - 1))
        + " and "
        + names.get(names.size() - 1);
  }
}
