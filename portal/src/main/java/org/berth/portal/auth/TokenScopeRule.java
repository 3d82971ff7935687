package org.berth.portal.auth;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.security.rules.SecurityRuleResult;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * A token with a narrow scope is refused (403) outside it, before any other rule lets it in: a
 * {@code servers} token reaches only {@code /api/v1/servers}. Its reach on servers' own origins is
 * the proxy's to grant.
 */
@Singleton
public class TokenScopeRule implements SecurityRule<HttpRequest<?>> {

  /** Before Micronaut's own rules (intercept-URL map, {@code @Secured}, endpoints). */
  static final int ORDER = -1000;

  @Override
  public Publisher<SecurityRuleResult> check(
      @Nullable HttpRequest<?> request, @Nullable Authentication authentication) {
    if (request == null || authentication == null) {
      return Mono.just(SecurityRuleResult.UNKNOWN);
    }
    TokenScope scope = CurrentUser.scopeOf(authentication);
    return Mono.just(
        scope.allows(request.getPath()) ? SecurityRuleResult.UNKNOWN : SecurityRuleResult.REJECTED);
  }

  /** Why a token was refused, when its scope is the reason; else null. */
  public static String refusal(@Nullable Authentication authentication) {
    if (authentication == null || CurrentUser.scopeOf(authentication) == TokenScope.FULL) {
      return null;
    }
    return "This token's scope is 'servers': it may only use /api/v1/servers and your servers'"
        + " own addresses. Make a token with the 'full' scope for this.";
  }

  @Override
  public int getOrder() {
    return ORDER;
  }
}
