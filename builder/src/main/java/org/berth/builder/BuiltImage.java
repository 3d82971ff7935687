package org.berth.builder;

import org.berth.imagecache.ImageDigest;
import org.berth.imagecache.ImageRef;

/**
 * An image that is fully in the registry.
 *
 * @param ref the tagged reference
 * @param digest the manifest digest the registry reported after the push
 * @param strategy the strategy that built it
 */
public record BuiltImage(ImageRef ref, ImageDigest digest, String strategy) {}
