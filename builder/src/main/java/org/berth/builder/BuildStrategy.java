package org.berth.builder;

import java.util.Optional;

/**
 * One way of turning a source tree into an image. Strategies are asked in a fixed order
 * (repo2docker's): the first whose {@link #detect} answers builds. Implementations are thread-safe.
 */
public interface BuildStrategy {
  /** Short name, e.g. {@code dockerfile}, {@code environment}, {@code buildpacks}. */
  String name();

  /** A plan when this strategy applies to the tree; empty when it does not. */
  Optional<BuildPlan> detect(SourceTree tree);

  /**
   * Builds and pushes the image to {@code context.target()}; returns only once the registry has the
   * whole image.
   *
   * @throws BuildException naming what failed
   */
  BuiltImage build(BuildPlan plan, BuildContext context);
}
