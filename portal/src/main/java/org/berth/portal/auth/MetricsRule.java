package org.berth.portal.auth;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.security.rules.SecurityRuleResult;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * {@code /prometheus} tells how many users, servers and builds there are and how Berth performs:
 * only an admin (by API token, {@code Authorization: Bearer}) may read it, unless {@code
 * berth.metrics.public=true} (e.g. when only a scraper on a private network reaches the port).
 */
@Singleton
class MetricsRule implements SecurityRule<HttpRequest<?>> {

  private final boolean open;

  MetricsRule(@Value("${berth.metrics.public:false}") boolean open) {
    this.open = open;
  }

  @Override
  public Publisher<SecurityRuleResult> check(
      @Nullable HttpRequest<?> request, @Nullable Authentication authentication) {
    if (request == null || !request.getPath().equals("/prometheus") || open) {
      return Mono.just(SecurityRuleResult.UNKNOWN);
    }
    boolean admin = authentication != null && authentication.getRoles().contains("admin");
    return Mono.just(admin ? SecurityRuleResult.ALLOWED : SecurityRuleResult.REJECTED);
  }

  @Override
  public int getOrder() {
    return TokenScopeRule.ORDER + 1;
  }
}
