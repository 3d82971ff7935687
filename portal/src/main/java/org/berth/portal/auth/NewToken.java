package org.berth.portal.auth;

import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;

/** A token just created: the only time its secret value is shown. */
@Serdeable
public record NewToken(
    long id, String name, String token, Instant createdAt, Instant expiresAt, String scope) {}
