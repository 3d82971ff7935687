/**
 * Image keys, registry look-ups (OCI distribution API), cache records and eviction.
 *
 * <p>The public API of this module lives in this package; adapters live in sub-packages.
 */
package org.berth.imagecache;
