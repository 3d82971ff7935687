package org.berth.builder.strategy.environment;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.berth.builder.BuildException;
import org.berth.builder.BuildException.Failure;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * What Berth can honour of a conda {@code environment.yml} without a conda channel (none can be
 * reached from these machines): {@code python} and {@code pip} themselves, and the packages of its
 * {@code pip:} section, which are installed from the configured package index like a {@code
 * requirements.txt}. Any other conda package is refused, by name, before any engine step.
 *
 * @param python the Python version asked for ({@code python=3.11}), or empty
 * @param pip the {@code pip:} section's lines
 */
record CondaEnvironment(String python, List<String> pip) {

  CondaEnvironment {
    pip = List.copyOf(pip);
  }

  /** Reads an environment.yml; throws a RECIPE failure when it is not one. */
  static CondaEnvironment parse(byte[] yml) {
    Object root;
    try {
      root =
          new Yaml(new SafeConstructor(new LoaderOptions()))
              .load(new String(yml, StandardCharsets.UTF_8));
    } catch (YAMLException e) {
      throw new BuildException(
          Failure.RECIPE, "environment.yml is not valid YAML: " + firstLine(e.getMessage()));
    }
    if (root == null) {
      return new CondaEnvironment("", List.of());
    }
    if (!(root instanceof Map<?, ?> map)) {
      throw new BuildException(Failure.RECIPE, "environment.yml must be a mapping");
    }
    Object deps = map.get("dependencies");
    if (deps == null) {
      return new CondaEnvironment("", List.of());
    }
    if (!(deps instanceof List<?> list)) {
      throw new BuildException(Failure.RECIPE, "environment.yml: dependencies must be a list");
    }
    String python = "";
    List<String> pip = new ArrayList<>();
    List<String> conda = new ArrayList<>();
    for (Object dep : list) {
      if (dep instanceof Map<?, ?> section && section.containsKey("pip")) {
        if (!(section.get("pip") instanceof List<?> pips)) {
          throw new BuildException(Failure.RECIPE, "environment.yml: pip: must be a list");
        }
        pips.forEach(p -> pip.add(String.valueOf(p).strip()));
        continue;
      }
      String spec = String.valueOf(dep).strip();
      String name = spec.replaceAll("^[\\w.-]+::", "").split("[=<>!~ ]", 2)[0];
      if (name.equals("python")) {
        python = spec.substring(spec.indexOf(name) + name.length()).replaceAll("^[=<>!~ ]+", "");
      } else if (!name.equals("pip")) {
        conda.add(name);
      }
    }
    if (!conda.isEmpty()) {
      throw new BuildException(
          Failure.NETWORK,
          "environment.yml asks for the conda "
              + (conda.size() == 1 ? "package " : "packages ")
              + names(conda)
              + ", which Berth cannot install: no conda channel can be reached from its build"
              + " machines. List "
              + (conda.size() == 1 ? "it" : "them")
              + " under pip: in environment.yml (or in requirements.txt) to install from the"
              + " package index, or in apt.txt as Debian packages.");
    }
    return new CondaEnvironment(python, pip);
  }

  /** The pip section as a requirements file. */
  byte[] requirements() {
    return (String.join("\n", pip) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /** "a", "a and b", "a, b and c". */
  private static String names(List<String> names) {
    if (names.size() == 1) {
      return names.get(0);
    }
    return String.join(", ", names.subList(0, names.size() - 1))
        + " and "
        + names.get(names.size() - 1);
  }

  private static String firstLine(String text) {
    return text == null ? "" : text.lines().findFirst().orElse("");
  }
}
