package org.berth.portal.auth;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;

/** A signed-in browser. {@code id} is the SHA-256 of the cookie value, never the value itself. */
@MappedEntity("web_sessions")
public record WebSession(
    @Id String id, long userId, String csrfToken, Instant createdAt, Instant expiresAt) {}
