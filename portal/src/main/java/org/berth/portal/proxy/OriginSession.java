package org.berth.portal.proxy;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;

/** A stored origin sign-in; see {@link OriginAccess}. */
@MappedEntity("origin_sessions")
record OriginSession(@Id String cookieHash, String username, String serverId, Instant expiresAt) {}
