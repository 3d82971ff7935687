package org.berth.volumes;

import java.util.List;
import java.util.OptionalLong;

/**
 * A volume as a user sees it: what they may do with it, how much it holds (empty when the back end
 * cannot tell), and which servers mount it ({@code owner/server}).
 */
public record VolumeInfo(Volume volume, Access access, OptionalLong usage, List<String> usedBy) {}
