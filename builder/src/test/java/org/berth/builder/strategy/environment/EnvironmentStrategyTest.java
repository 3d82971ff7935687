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

  @Test
  void environmentDockerfileInstallsEnvironmentBeforeAnyContentAndFailsFastOnIndex() {
    String d = strategy.environmentDockerfile(List.of("apt.txt", "requirements.txt"));
    assertTrue(d.startsWith("FROM 127.0.0.1:5000/berth/jupyter-base:1\n"), d);
    assertTrue(d.indexOf("apt-get install") < d.indexOf("pip install"), d);
    assertTrue(d.contains("--timeout 5 --retries 0"), d);
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
    assertTrue(
        e.getMessage().contains("conda packages (numpy, pandas)")
            && !e.getMessage().contains("python,"),
        e.getMessage());
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
}
