/**
 * Collaborators, public read-only access, launch links, badges and trusted specs.
 *
 * <p>The public API of this module lives in this package; adapters live in sub-packages.
 */
package org.berth.sharing;
