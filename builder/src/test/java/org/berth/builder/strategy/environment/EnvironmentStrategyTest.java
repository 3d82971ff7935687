package org.berth.builder.strategy.environment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.berth.builder.BuildException;
import org.berth.builder.BuilderConfig;
import org.berth.builder.ResolvedSource;
import org.berth.builder.SourceSpec;
import org.berth.builder.SourceTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvironmentStrategyTest {
  static final BuilderConfig CONFIG =
      new BuilderConfig(
          "127.0.0.1:5000",
          "127.0.0.1:5000/berth/jupyter-base:1",
          "1",
          "http://172.17.0.1:8080/simple",
          null,
          1,
          Duration.ofMinutes(1));
  final EnvironmentStrategy strategy = new EnvironmentStrategy(null, CONFIG);

  static SourceTree tree(Path root) {
    return new SourceTree(
        root,
        new ResolvedSource(SourceSpec.of("https://example.org/r", "main"), "a".repeat(40), "main"));
  }

  /** Files as a fetch that left large ones out sees them: counts what asks for them. */
  static final class Deferred implements org.berth.builder.SourceFiles {
    int all;
    List<String> one = new java.util.ArrayList<>();

    @Override
    public List<org.berth.builder.SourceFile> list() {
      return List.of();
    }

    @Override
    public Contents open() {
      throw new UnsupportedOperationException();
    }

    @Override
    public void materialize() {
      all++;
    }

    @Override
    public boolean materialize(String path) {
      one.add(path);
      return false;
    }
  }

  @Test
  void detectingAndReadingTheEnvironmentWritesNoLeftOutFile(@TempDir Path root) throws Exception {
    Files.writeString(root.resolve("requirements.txt"), "numpy\n");
    Files.writeString(root.resolve("DESCRIPTION"), "Package: x\n");
    Deferred files = new Deferred();
    SourceTree tree =
        new SourceTree(
            root,
            new ResolvedSource(
                SourceSpec.of("https://example.org/r", "main"), "a".repeat(40), "main"),
            files);

    strategy.detect(tree);
    EnvironmentStrategy.environmentFiles(tree);
    strategy.environmentRef(tree);

    assertEquals(0, files.all, "nothing asked for the whole checkout");
    assertTrue(files.one.contains("apt.txt"), "absent config files are asked for one by one");
  }

  @Test
  void environmentDockerfileInstallsEnvironmentBeforeAnyContentAndFailsFastOnIndex() {
    String d =
        strategy.environmentDockerfile(
            Map.of("apt.txt", "tree\n".getBytes(), "requirements.txt", "x\n".getBytes()));
    assertTrue(d.startsWith("FROM 127.0.0.1:5000/berth/jupyter-base:1\n"), d);
    assertTrue(d.indexOf("apt-get install") < d.indexOf("pip install"), d);
    assertTrue(d.contains("--timeout 5 --retries 0"), d);
    assertFalse(d.contains("urlopen"), "the index is checked before the build, not in a step");
    assertTrue(
        d.contains("--index-url http://172.17.0.1:8080/simple --trusted-host 172.17.0.1"), d);
    assertFalse(d.contains("COPY . "), "no repository content in the environment image");
  }

  @Test
  void sameEnvironmentFilesGiveSameEnvironmentImageWhateverTheContent(
      @TempDir Path a, @TempDir Path b) throws Exception {
    Files.writeString(a.resolve("apt.txt"), "tree\n");
    Files.writeString(a.resolve("index.ipynb"), "{}");
    Files.createDirectories(b.resolve("binder"));
    Files.writeString(b.resolve("binder/apt.txt"), "tree\n");
    Files.writeString(b.resolve("other.ipynb"), "{\"x\": 1}");
    assertEquals(strategy.environmentRef(tree(a)), strategy.environmentRef(tree(b)));
    Files.writeString(a.resolve("apt.txt"), "tree\ncurl\n");
    assertNotEquals(strategy.environmentRef(tree(a)), strategy.environmentRef(tree(b)));
  }

  @Test
  void noEnvironmentFilesMeansTheBaseItself(@TempDir Path a) throws Exception {
    Files.writeString(a.resolve("notebook.ipynb"), "{}");
    assertEquals(CONFIG.jupyterBaseImage(), strategy.environmentRef(tree(a)).toString());
  }

  @Test
  void bothBinderFoldersAreAnError(@TempDir Path a) throws Exception {
    Files.createDirectories(a.resolve("binder"));
    Files.createDirectories(a.resolve(".binder"));
    BuildException e = assertThrows(BuildException.class, () -> tree(a).configDir());
    assertEquals(BuildException.Failure.RECIPE, e.failure());
  }

  @Test
  void condaPackagesInEnvironmentYmlFailClearlyBeforeAnyEngineStep(@TempDir Path a)
      throws Exception {
    Files.writeString(
        a.resolve("environment.yml"),
        "channels: [conda-forge]\ndependencies:\n  - python=3.11\n  - numpy>=1.26\n"
            + "  - conda-forge::pandas\n  - pip\n  - pip: [requests]\n");
    BuildException e =
        assertThrows(
            BuildException.class,
            () -> strategy.build(strategy.detect(tree(a)).orElseThrow(), null));
    assertEquals(
        "environment.yml asks for the conda packages numpy and pandas, which Berth cannot install:"
            + " no conda channel can be reached from its build machines. List them under pip: in"
            + " environment.yml (or in requirements.txt) to install from the package index, or in"
            + " apt.txt as Debian packages.",
        e.getMessage());
    assertEquals(BuildException.Failure.NETWORK, e.failure());
  }

  @Test
  void environmentYmlPipSectionIsTheEnvironmentAndRequirementsTxtIsIgnored(@TempDir Path a)
      throws Exception {
    Files.writeString(
        a.resolve("environment.yml"),
        "name: demo\ndependencies:\n  - python=3.11\n  - pip\n  - pip:\n    - berthwheel==0.1\n");
    Files.writeString(a.resolve("requirements.txt"), "ignored==1\n");
    Map<String, byte[]> files = EnvironmentStrategy.environmentFiles(tree(a));
    assertEquals("berthwheel==0.1\n", new String(files.get("requirements.txt")));
    assertEquals("python-3.11", new String(files.get("runtime.txt")));

    Path b = Files.createTempDirectory("env-b");
    Files.writeString(b.resolve("requirements.txt"), "berthwheel==0.1\n");
    Files.writeString(b.resolve("runtime.txt"), "python-3.11");
    assertEquals(
        strategy.environmentRef(tree(b)),
        strategy.environmentRef(tree(a)),
        "the same environment, whichever file says it");
  }

  @Test
  void malformedEnvironmentYmlIsARecipeError(@TempDir Path a) throws Exception {
    Files.writeString(a.resolve("environment.yml"), "dependencies: [unclosed\n");
    BuildException e =
        assertThrows(BuildException.class, () -> EnvironmentStrategy.environmentFiles(tree(a)));
    assertEquals(BuildException.Failure.RECIPE, e.failure());
  }

  @Test
  void rEnvironmentInstallsDebiansRAndKernelBeforeAptTxtAndTheRepositorysPackagesAfter() {
    String d =
        strategy.environmentDockerfile(
            Map.of(
                "runtime.txt", "r-4.2-2024-01-10\n".getBytes(),
                "install.R", "install.packages('x')\n".getBytes(),
                "apt.txt", "tree\n".getBytes()));
    int r = d.indexOf("r-base-core");
    assertTrue(r > 0 && r < d.indexOf("apt.txt") && d.contains("r-cran-irkernel"), d);
    assertTrue(d.contains("kernelspecapp install"), d);
    assertTrue(d.indexOf("COPY install.R") > d.indexOf("apt.txt"), d);
    assertTrue(d.contains("CRAN = \"https://cloud.r-project.org\""), d);
    assertTrue(d.contains("ARG BERTH_BUILD") && d.contains("berth-r-version: "), d);
  }

  @Test
  void anRPackageIsAnEnvironmentFileOnlyAtTheRootAsInRepo2docker(@TempDir Path a) throws Exception {
    Files.writeString(a.resolve("DESCRIPTION"), "Package: x\n");
    assertTrue(EnvironmentStrategy.environmentFiles(tree(a)).containsKey("DESCRIPTION"));
    Files.createDirectories(a.resolve("binder"));
    Files.writeString(a.resolve("binder/apt.txt"), "tree\n");
    assertFalse(EnvironmentStrategy.environmentFiles(tree(a)).containsKey("DESCRIPTION"));
    Files.writeString(a.resolve("binder/DESCRIPTION"), "Package: x\n");
    assertFalse(EnvironmentStrategy.environmentFiles(tree(a)).containsKey("DESCRIPTION"));
  }

  @Test
  void pipfileTakesThePlaceOfRequirementsTxtAndEnvironmentYmlThatOfPipfile(@TempDir Path a)
      throws Exception {
    Files.writeString(a.resolve("Pipfile"), "[packages]\n");
    Files.writeString(a.resolve("requirements.txt"), "x\n");
    assertEquals(
        List.of("Pipfile"), List.copyOf(EnvironmentStrategy.environmentFiles(tree(a)).keySet()));
    String d = strategy.environmentDockerfile(EnvironmentStrategy.environmentFiles(tree(a)));
    assertTrue(d.contains("pipenv install --system --dev --skip-lock"), d);
    assertTrue(d.contains("PIPENV_PYPI_MIRROR=http://172.17.0.1:8080/simple"), d);
    Files.writeString(a.resolve("environment.yml"), "dependencies:\n  - pip:\n    - y\n");
    assertEquals(
        List.of("requirements.txt"),
        List.copyOf(EnvironmentStrategy.environmentFiles(tree(a)).keySet()));
  }

  @Test
  void aLockFileIsInstalledAsLockedEvenWithoutAPipfile() {
    String d = strategy.environmentDockerfile(Map.of("Pipfile.lock", "{}".getBytes()));
    assertTrue(d.contains("--ignore-pipfile"), d);
    assertTrue(d.contains("printf '[packages]\\n' > Pipfile"), d);
  }

  @Test
  void refusesJuliaNixAndGuixByNameWhateverElseIsThere(@TempDir Path a) throws Exception {
    Files.writeString(a.resolve("flake.nix"), "{}\n");
    Files.writeString(a.resolve("requirements.txt"), "x\n");
    BuildException e =
        assertThrows(
            BuildException.class,
            () -> strategy.build(strategy.detect(tree(a)).orElseThrow(), null));
    assertEquals(BuildException.Failure.RECIPE, e.failure());
    assertEquals(
        "flake.nix asks for a Nix environment, which Berth cannot build: no Nix channel can be"
            + " reached from its build machines."
            + UnsupportedConfig.BUILDS_FROM,
        e.getMessage());
    Files.writeString(a.resolve("REQUIRE"), "julia 1.0\n");
    Files.writeString(a.resolve("default.nix"), "{}\n");
    e = assertThrows(BuildException.class, () -> UnsupportedConfig.refuse(tree(a)));
    assertTrue(
        e.getMessage().startsWith("REQUIRE asks for a Julia environment")
            && e.getMessage().contains("default.nix and flake.nix ask for a Nix environment"),
        e.getMessage());
  }

  @Test
  void unknownRuntimeAndInstallRWithoutRAreRefusedSayingWhatToWrite(@TempDir Path a)
      throws Exception {
    Files.writeString(a.resolve("runtime.txt"), "julia-1.9\n");
    BuildException e = assertThrows(BuildException.class, () -> UnsupportedConfig.refuse(tree(a)));
    assertTrue(e.getMessage().startsWith("runtime.txt asks for \"julia-1.9\""), e.getMessage());
    Files.writeString(a.resolve("runtime.txt"), "python-3.11\n");
    UnsupportedConfig.refuse(tree(a));
    Files.writeString(a.resolve("install.R"), "install.packages('x')\n");
    e = assertThrows(BuildException.class, () -> strategy.environmentRef(tree(a)));
    assertEquals(
        "The repository has install.R, but nothing in it asks for R, so install.R would not be"
            + " run. Add a runtime.txt saying r-<YYYY-MM-DD> (or r-<version>-<YYYY-MM-DD>), as"
            + " repo2docker needs too.",
        e.getMessage());
  }
}
