package org.berth.portal.auth;

import io.micronaut.security.authentication.Authentication;
import java.util.Map;

/**
 * The signed-in user as controllers see it. {@code csrfToken} is set only for browser sessions;
 * {@code tokenId} only for API tokens, whose {@code scope} may be narrower than {@link
 * TokenScope#FULL} (sessions and passwords are always full).
 */
public record CurrentUser(
    long id,
    String username,
    boolean admin,
    Via via,
    String csrfToken,
    Long tokenId,
    TokenScope scope) {

  /** Reads what {@link BerthAuthenticationFetcher} put into the authentication. */
  public static CurrentUser of(Authentication authentication) {
    Map<String, Object> attributes = authentication.getAttributes();
    Object tokenId = attributes.get(BerthAuthenticationFetcher.TOKEN_ID);
    return new CurrentUser(
        ((Number) attributes.get(BerthAuthenticationFetcher.USER_ID)).longValue(),
        authentication.getName(),
        authentication.getRoles().contains("admin"),
        Via.valueOf((String) attributes.get(BerthAuthenticationFetcher.VIA)),
        (String) attributes.get(BerthAuthenticationFetcher.CSRF),
        tokenId == null ? null : ((Number) tokenId).longValue(),
        scopeOf(authentication));
  }

  /** The scope an authentication carries: a token's own, else full. */
  static TokenScope scopeOf(Authentication authentication) {
    Object scope = authentication.getAttributes().get(BerthAuthenticationFetcher.SCOPE);
    return scope == null ? TokenScope.FULL : TokenScope.parse(scope.toString());
  }
}
