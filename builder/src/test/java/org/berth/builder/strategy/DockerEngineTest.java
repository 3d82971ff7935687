package org.berth.builder.strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.berth.builder.BuildException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerEngineTest {
  @Test
  void namesTheBaseImageWhenItCannotBePulled(@TempDir Path dir) throws Exception {
    Path df = dir.resolve("Dockerfile");
    Files.writeString(df, "ARG BASE\nFROM ${BASE} AS build\nRUN true\n");
    BuildException e =
        DockerEngine.classify(
            "Get \"https://registry-1.docker.io/v2/\": dial tcp: lookup registry-1.docker.io: manifest unknown",
            "",
            df,
            Map.of("BASE", "example.org/img:1"));
    assertEquals(BuildException.Failure.NETWORK, e.failure());
    assertTrue(e.getMessage().contains("example.org/img:1"), e.getMessage());
  }

  @Test
  void tellsAnUnreachableIndexFromAFailingRecipe(@TempDir Path dir) throws Exception {
    Path df = dir.resolve("Dockerfile");
    Files.writeString(df, "FROM base\n");
    assertEquals(
        BuildException.Failure.NETWORK,
        DockerEngine.classify(
                "The command '/bin/sh -c x' returned a non-zero code: 97", "", df, Map.of())
            .failure());
    assertEquals(
        BuildException.Failure.RECIPE,
        DockerEngine.classify(
                "The command '/bin/sh -c x' returned a non-zero code: 1", "", df, Map.of())
            .failure());
  }
}
