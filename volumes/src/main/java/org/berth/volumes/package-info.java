/**
 * Volumes and their members, mount validation, templated mount paths and first-mount
 * initialisation.
 *
 * <p>The public API of this module lives in this package; adapters live in sub-packages.
 */
package org.berth.volumes;
