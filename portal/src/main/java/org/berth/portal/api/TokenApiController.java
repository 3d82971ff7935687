package org.berth.portal.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Status;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.berth.portal.account.AccountException;
import org.berth.portal.auth.Csrf;
import org.berth.portal.auth.CurrentUser;
import org.berth.portal.auth.NewToken;
import org.berth.portal.auth.TokenService;
import org.berth.portal.auth.TokenSummary;

/**
 * Personal API tokens. Creating one accepts a browser session (with the CSRF header), an existing
 * full-scope token (the new one is recorded as minted by it), or HTTP Basic with user name and
 * password.
 */
@Controller("/api/v1/tokens")
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "account")
@SecurityRequirement(name = "bearer")
class TokenApiController {

  private final TokenService tokens;
  private final Csrf csrf;

  TokenApiController(TokenService tokens, Csrf csrf) {
    this.tokens = tokens;
    this.csrf = csrf;
  }

  /**
   * What a new token is called, what it may do ({@code full}, the default, or {@code servers}) and
   * how long it lasts (such as {@code 30d}; empty: {@code berth.accounts.token-ttl}).
   */
  @Serdeable
  record CreateTokenRequest(
      @Nullable String name, @Nullable String scope, @Nullable String expiresIn) {}

  @Post
  @Status(HttpStatus.CREATED)
  @Operation(summary = "Create a token; its value is in this response only")
  NewToken create(
      HttpRequest<?> request, Authentication authentication, @Body CreateTokenRequest body) {
    CurrentUser user = csrf.require(authentication, request, null);
    if (body == null) {
      throw new AccountException("Send a JSON body such as {\"name\": \"laptop\"}.");
    }
    return tokens.create(user.id(), body.name(), body.scope(), body.expiresIn(), user.tokenId());
  }

  @Get
  @Operation(summary = "The caller's live tokens, without their values")
  List<TokenSummary> list(Authentication authentication) {
    return tokens.list(CurrentUser.of(authentication).id());
  }

  @Delete("/{id}")
  @Operation(summary = "Revoke a token")
  HttpResponse<?> revoke(
      HttpRequest<?> request, Authentication authentication, @PathVariable long id) {
    CurrentUser user = csrf.require(authentication, request, null);
    return tokens.revoke(user.id(), id) ? HttpResponse.noContent() : HttpResponse.notFound();
  }
}
