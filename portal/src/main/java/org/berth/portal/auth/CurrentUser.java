package org.berth.portal.auth;

import io.micronaut.security.authentication.Authentication;
import java.util.Map;

/** The signed-in user as controllers see it. {@code csrfToken} is set only for browser sessions. */
public record CurrentUser(long id, String username, boolean admin, Via via, String csrfToken) {

  /** Reads what {@link BerthAuthenticationFetcher} put into the authentication. */
  public static CurrentUser of(Authentication authentication) {
    Map<String, Object> attributes = authentication.getAttributes();
    return new CurrentUser(
        ((Number) attributes.get(BerthAuthenticationFetcher.USER_ID)).longValue(),
        authentication.getName(),
        authentication.getRoles().contains("admin"),
        Via.valueOf((String) attributes.get(BerthAuthenticationFetcher.VIA)),
        (String) attributes.get(BerthAuthenticationFetcher.CSRF));
  }
}
