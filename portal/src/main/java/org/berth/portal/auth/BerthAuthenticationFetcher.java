package org.berth.portal.auth;

import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.filters.AuthenticationFetcher;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import org.berth.portal.account.AccountService;
import org.berth.portal.account.UserAccount;
import org.reactivestreams.Publisher;

/**
 * Finds out who sent a request: a browser session cookie, an {@code Authorization: Bearer} API
 * token on {@code /api/}, BinderHub's {@code /build/} and {@code /prometheus}, or HTTP Basic with
 * user name and password, which is accepted only to create an API token ({@code POST
 * /api/v1/tokens}). A token's id and scope go into the authentication ({@link TokenScopeRule}
 * enforces the scope). The database look-up runs off the event loop.
 */
@Singleton
class BerthAuthenticationFetcher implements AuthenticationFetcher<HttpRequest<?>> {

  static final String USER_ID = "userId";
  static final String VIA = "via";
  static final String CSRF = "csrf";
  static final String TOKEN_ID = "tokenId";
  static final String SCOPE = "scope";
  static final String TOKENS_PATH = "/api/v1/tokens";

  private final SessionService sessions;
  private final TokenService tokens;
  private final AccountService accounts;
  private final ExecutorService blocking;
  private final ClientAddress clientAddress;

  BerthAuthenticationFetcher(
      SessionService sessions,
      TokenService tokens,
      AccountService accounts,
      ClientAddress clientAddress,
      @Named(TaskExecutors.BLOCKING) ExecutorService blocking) {
    this.clientAddress = clientAddress;
    this.sessions = sessions;
    this.tokens = tokens;
    this.accounts = accounts;
    this.blocking = blocking;
  }

  @Override
  public Publisher<Authentication> fetchAuthentication(HttpRequest<?> request) {
    Optional<String> header = request.getHeaders().findFirst(HttpHeaders.AUTHORIZATION);
    boolean hasCookie = request.getCookies().contains(SessionService.COOKIE);
    if (header.isEmpty() && !hasCookie) {
      return Publishers.empty();
    }
    return Publishers.fromCompletableFuture(
        CompletableFuture.supplyAsync(() -> find(request, header).orElse(null), blocking));
  }

  private Optional<Authentication> find(HttpRequest<?> request, Optional<String> header) {
    if (header.isPresent()) {
      // An explicit credential decides alone; a wrong one never falls back to the cookie.
      return fromHeader(request, header.get());
    }
    return sessions
        .find(request)
        .flatMap(
            s ->
                accounts
                    .find(s.userId())
                    .map(user -> authentication(user, Via.SESSION, s.csrfToken(), null)));
  }

  private Optional<Authentication> fromHeader(HttpRequest<?> request, String header) {
    String path = request.getPath();
    if (header.regionMatches(true, 0, "Bearer ", 0, 7)
        && (path.startsWith("/api/") || path.startsWith("/build/") || path.equals("/prometheus"))) {
      return tokens
          .authenticate(header.substring(7).strip())
          .flatMap(
              t -> accounts.find(t.userId()).map(user -> authentication(user, Via.TOKEN, null, t)));
    }
    if (header.regionMatches(true, 0, "Basic ", 0, 6)
        && request.getMethod() == HttpMethod.POST
        && path.equals(TOKENS_PATH)) {
      return basic(header.substring(6).strip(), clientAddress.of(request))
          .map(user -> authentication(user, Via.PASSWORD, null, null));
    }
    return Optional.empty();
  }

  private Optional<UserAccount> basic(String encoded, String address) {
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      return Optional.empty();
    }
    return accounts.authenticate(
        decoded.substring(0, colon), decoded.substring(colon + 1), address);
  }

  private static Authentication authentication(
      UserAccount user, Via via, String csrf, ApiToken token) {
    List<String> roles = new ArrayList<>(List.of("user"));
    if (user.admin()) {
      roles.add("admin");
    }
    Map<String, Object> attributes = new HashMap<>();
    attributes.put(USER_ID, user.id());
    attributes.put(VIA, via.name());
    if (csrf != null) {
      attributes.put(CSRF, csrf);
    }
    if (token != null) {
      attributes.put(TOKEN_ID, token.id());
      attributes.put(SCOPE, token.scope());
    }
    return Authentication.build(user.username(), roles, attributes);
  }
}
