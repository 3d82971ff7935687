package org.berth.portal.api;

import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.berth.portal.auth.CurrentUser;

/** Who the caller is. */
@Controller("/api/v1/me")
@Secured(SecurityRule.IS_AUTHENTICATED)
@Tag(name = "account")
class MeController {

  /** The caller's identity. */
  @Serdeable
  record Me(String username, boolean admin) {}

  @Get
  @Operation(summary = "The signed-in user")
  Me me(Authentication authentication) {
    CurrentUser user = CurrentUser.of(authentication);
    return new Me(user.username(), user.admin());
  }
}
