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

  /**
   * Called on every strategy as a build starts, before its source is fetched: a strategy may start
   * work that overlaps the fetch (the environment strategy opens its registry upload sessions). The
   * build closes the returned value when it ends, whatever the outcome; it must release whatever
   * was started and not used. The default starts nothing.
   */
  default Preparation prepare(BuildContext context) {
    return () -> {};
  }

  /** What {@link #prepare} started; closing it releases what the build did not use. */
  @FunctionalInterface
  interface Preparation extends AutoCloseable {
    @Override
    void close();
  }
}
