package org.berth.builder.strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.berth.builder.BuildException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerEngineTest {
  @Test
  void namesTheBaseImageAndItsRegistryWhenTheRegistryCannotBeReached(@TempDir Path dir)
      throws Exception {
    Path df = dir.resolve("Dockerfile");
    Files.writeString(df, "ARG BASE\nFROM ${BASE} AS build\nRUN true\nFROM build\n");
    BuildException e =
        DockerEngine.classify(
            "Get \"https://registry-1.docker.io/v2/\": dial tcp: lookup registry-1.docker.io on"
                + " 10.0.0.2:53: server misbehaving",
            "",
            df,
            Map.of("BASE", "jupyter/base-notebook:2024-01-01"));
    assertEquals(BuildException.Failure.NETWORK, e.failure());
    assertEquals(
        "The base image jupyter/base-notebook:2024-01-01, named in the Dockerfile, could not be"
            + " pulled: Berth's build machines cannot reach its registry (Docker Hub). Use a base"
            + " image from a registry they reach (ask your Berth administrator which), or Berth's"
            + " own Jupyter base, which Berth passes to the Dockerfile as the build argument"
            + " BASE_IMAGE.",
        e.getMessage());
  }

  @Test
  void namesTheBaseImageItsRegistryDoesNotHave(@TempDir Path dir) throws Exception {
    Path df = dir.resolve("Dockerfile");
    Files.writeString(df, "FROM --platform=linux/amd64 127.0.0.1:5000/berth/nope:never\n");
    BuildException e =
        DockerEngine.classify(
            "manifest for 127.0.0.1:5000/berth/nope:never not found: manifest unknown: manifest"
                + " unknown",
            "",
            df,
            Map.of());
    assertEquals(
        "The base image 127.0.0.1:5000/berth/nope:never, named in the Dockerfile, could not be"
            + " pulled: its registry (127.0.0.1:5000) does not have it. Check the image's name and"
            + " tag on the Dockerfile's FROM line.",
        e.getMessage());
  }

  @Test
  void aFailedStepIsNamedByNumberWithoutItsCommand(@TempDir Path dir) throws Exception {
    Path df = dir.resolve("Dockerfile");
    Files.writeString(df, "FROM base\n");
    BuildException e =
        DockerEngine.classify(
            "The command '/bin/sh -c make all' returned a non-zero code: 2",
            "Step 1/3 : FROM base\nStep 3/3 : RUN make all\nmake: *** [all] Error 1\n",
            df,
            Map.of());
    assertEquals(BuildException.Failure.RECIPE, e.failure());
    assertEquals(
        "Step 3/3 of the Dockerfile failed (exit code 2). The build log shows the step's output.",
        e.getMessage());
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
