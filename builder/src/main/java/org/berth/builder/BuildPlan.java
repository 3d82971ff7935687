package org.berth.builder;

/**
 * What a strategy will build, found by {@link BuildStrategy#detect}.
 *
 * @param strategy name of the strategy that made the plan
 * @param tree the checked-out source
 * @param description one line a user understands, e.g. "environment files: apt.txt, postBuild"
 */
public record BuildPlan(String strategy, SourceTree tree, String description) {}
