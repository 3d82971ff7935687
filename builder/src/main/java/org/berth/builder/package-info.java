/**
 * Repository providers, ref resolution, build strategies, the build queue and build events.
 *
 * <p>The public API of this module lives in this package; adapters live in sub-packages.
 */
package org.berth.builder;
