package org.berth.builder.strategy.environment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.berth.builder.BuildContext;
import org.berth.builder.BuildEvent;
import org.berth.builder.BuildException;
import org.berth.builder.BuildException.Failure;
import org.berth.imagecache.ImageRef;
import org.junit.jupiter.api.Test;

/** Failed steps told in users' words from what the build printed; the log keeps every line. */
class EnvironmentRecipeTest {
  final List<BuildEvent> events = new ArrayList<>();
  final BuildContext ctx =
      new BuildContext(
          ImageRef.parse("127.0.0.1:5000/berth/x:1"), events::add, Instant.MAX, () -> false);

  static EnvironmentRecipe recipe(Map<String, byte[]> files) {
    return new EnvironmentRecipe(EnvironmentStrategyTest.CONFIG, files, false);
  }

  BuildException explain(EnvironmentRecipe recipe, String... lines) {
    StepOutput out = new StepOutput(ctx);
    for (String line : lines) {
      out.context().log(line);
    }
    return recipe.explain(
        new BuildException(Failure.RECIPE, "The command '/bin/sh -c x' returned ..."), out);
  }

  @Test
  void namesTheDebianPackagesAptTxtAsksForThatDoNotExist() {
    BuildException e =
        explain(
            recipe(Map.of("apt.txt", new byte[0])),
            "Step 4/6 : RUN apt-get update || { echo \"berth-failed: step apt.txt\"; }",
            "E: Unable to locate package no-such-tool",
            "berth-failed: step apt.txt",
            "ERROR: The command '/bin/sh -c apt-get ...' returned a non-zero code: 123");
    assertEquals(
        "apt.txt names no-such-tool, which Debian's package lists do not have. Check the names:"
            + " Berth installs the packages of apt.txt from Debian.",
        e.getMessage());
    assertEquals(Failure.RECIPE, e.failure());
    assertEquals(4, events.size(), "every line still reaches the log");
  }

  @Test
  void pipFailuresNameThePackageOrTheExitCodeButNeverTheCommand() {
    EnvironmentRecipe recipe = recipe(Map.of("requirements.txt", new byte[0]));
    assertEquals(
        "requirements.txt asks for nosuch==1, which the package index"
            + " http://172.17.0.1:8080/simple does not have. Check the names and versions in"
            + " requirements.txt.",
        explain(
                recipe,
                "ERROR: No matching distribution found for nosuch==1",
                "berth-failed: step requirements.txt")
            .getMessage());
    assertEquals(
        "Installing the Python packages of requirements.txt from the package index"
            + " http://172.17.0.1:8080/simple failed (exit code 1). The build log shows pip's"
            + " message.",
        explain(
                recipe,
                "berth-failed: step requirements.txt",
                "ERROR: The command '/bin/sh -c python3 -m pip ...' returned a non-zero code: 1")
            .getMessage());
    BuildException network =
        explain(
            recipe,
            "WARNING: Retrying ... NewConnectionError('Failed to establish a new connection')",
            "berth-failed: step requirements.txt");
    assertEquals(Failure.NETWORK, network.failure());
    assertEquals(
        "The package index http://172.17.0.1:8080/simple could not be reached, so the Python"
            + " packages of requirements.txt could not be installed. Try again later; if it keeps"
            + " failing, ask your Berth administrator to check the package index"
            + " (berth.builder.pip-index-url).",
        network.getMessage());
  }

  @Test
  void rPackagesInstallRCouldNotInstallAreNamed() {
    BuildException e =
        explain(
            recipe(Map.of("runtime.txt", "r-2024-01-10".getBytes(), "install.R", new byte[0])),
            "\u001B[0mberth-failed: r-packages nope other ",
            "Downloading... berth-failed: step install.R");
    assertEquals(
        "install.R asks for R packages that could not be installed from CRAN"
            + " (https://cloud.r-project.org): nope, other. Check their names; the build log shows"
            + " R's messages.",
        e.getMessage());
    BuildException down =
        explain(
            recipe(Map.of("DESCRIPTION", new byte[0])),
            "berth-failed: cran-unreachable",
            "berth-failed: step DESCRIPTION");
    assertEquals(
        "CRAN could not be reached at https://cloud.r-project.org, so the R packages DESCRIPTION"
            + " depends on could not be installed. Try again later; if it keeps failing, ask your"
            + " Berth administrator to check the CRAN mirror (berth.builder.cran-url).",
        down.getMessage());
  }

  @Test
  void leavesFailuresThatAreNotAStepsAlone() {
    EnvironmentRecipe recipe = recipe(Map.of("apt.txt", new byte[0]));
    BuildException registry = new BuildException(Failure.REGISTRY, "registry down");
    assertSame(registry, recipe.explain(registry, new StepOutput(ctx)));
    BuildException unknown = new BuildException(Failure.RECIPE, "something else");
    assertSame(unknown, recipe.explain(unknown, new StepOutput(ctx)));
  }

  @Test
  void checksTheIndexAndCranOnlyWhenSomethingIsInstalledFromThem() {
    assertEquals(List.of(), recipe(Map.of("apt.txt", new byte[0])).reachability());
    assertEquals(
        List.of(new NetworkCheck.Target("index", "http://172.17.0.1:8080/simple")),
        recipe(Map.of("Pipfile", new byte[0])).reachability());
    assertEquals(
        List.of(
            new NetworkCheck.Target("cran", "https://cloud.r-project.org/src/contrib/PACKAGES")),
        recipe(Map.of("runtime.txt", "r-2024-01-10".getBytes(), "install.R", new byte[0]))
            .reachability());
    assertFalse(
        recipe(Map.of("runtime.txt", "r-2024-01-10".getBytes()))
            .reachability()
            .iterator()
            .hasNext(),
        "R alone installs nothing from CRAN");
  }

  @Test
  void readsTheCheckContainersAnswers() {
    NetworkCheck.Target index = new NetworkCheck.Target("index", "http://a/simple");
    NetworkCheck.Target cran = new NetworkCheck.Target("cran", "http://b/src/contrib/PACKAGES");
    NetworkCheck.Target late = new NetworkCheck.Target("cran", "http://c/src/contrib/PACKAGES");
    List<NetworkCheck.Result> results =
        NetworkCheck.results(
            List.of(index, cran, late),
            "berth-check 200 http://a/simple -\n"
                + "berth-check 0 http://b/src/contrib/PACKAGES URLError: [Errno 111] Connection"
                + " refused\n");
    assertEquals(new NetworkCheck.Result(index, 200, ""), results.get(0));
    assertEquals(
        new NetworkCheck.Result(cran, 0, "URLError: [Errno 111] Connection refused"),
        results.get(1));
    assertEquals(0, results.get(2).status());
  }
}
