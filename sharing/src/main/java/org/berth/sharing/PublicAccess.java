package org.berth.sharing;

/**
 * Whether a server is open to visitors, and how: its public link's id (unguessable, stable while
 * public access stays on), and whether visitors' temporary servers mount the owner's volumes
 * read-only or nothing at all.
 */
public record PublicAccess(
    String serverId, String linkId, boolean enabled, boolean mountsReadOnly) {}
