package org.berth.portal.auth.oidc;

import com.nimbusds.jwt.JWTClaimsSet;
import io.micronaut.context.annotation.Requires;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.security.authentication.AuthenticationResponse;
import io.micronaut.security.oauth2.endpoint.authorization.state.State;
import io.micronaut.security.oauth2.endpoint.token.response.OpenIdAuthenticationMapper;
import io.micronaut.security.oauth2.endpoint.token.response.OpenIdClaims;
import io.micronaut.security.oauth2.endpoint.token.response.OpenIdTokenResponse;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Turns a checked sign-in into the Berth account it is for (see {@link OidcAccounts}): the user
 * name from the configured claim, groups from the groups claim, the admin role from the roles. The
 * tokens ride along to {@link OidcLoginHandler}, which starts the session; they are not kept in the
 * authentication afterwards.
 */
@Singleton
@Named(OidcSettings.CLIENT)
@Requires(property = "berth.oidc.enabled", value = "true")
class ClaimsMapper implements OpenIdAuthenticationMapper {

  static final String LOGIN = "berth.oidcLogin";

  private final OidcAccounts accounts;
  private final OidcSettings settings;
  private final IdTokenValidator checks;
  private final Provider provider;
  private final ExecutorService blocking;

  ClaimsMapper(
      OidcAccounts accounts,
      OidcSettings settings,
      IdTokenValidator checks,
      Provider provider,
      @Named(TaskExecutors.BLOCKING) ExecutorService blocking) {
    this.accounts = accounts;
    this.settings = settings;
    this.checks = checks;
    this.provider = provider;
    this.blocking = blocking;
  }

  /** What the session needs from a sign-in. Its text never shows a token. */
  record Login(
      long userId,
      String username,
      long identityId,
      String subject,
      String idToken,
      String accessToken,
      Integer expiresIn,
      String refreshToken) {

    @Override
    public String toString() {
      return "Login[" + username + "]";
    }
  }

  @Override
  public Publisher<AuthenticationResponse> createAuthenticationResponse(
      String providerName,
      OpenIdTokenResponse tokenResponse,
      OpenIdClaims openIdClaims,
      State state) {
    return Mono.fromCallable(() -> map(tokenResponse, openIdClaims.getClaims()))
        .subscribeOn(Schedulers.fromExecutorService(blocking));
  }

  private AuthenticationResponse map(OpenIdTokenResponse tokens, Map<String, Object> id) {
    String subject = id.get("sub") instanceof String s ? s : null;
    Map<String, Object> access = Map.of();
    if (TokenChecks.isJwt(tokens.getAccessToken())) {
      JWTClaimsSet claims = checks.accessToken(tokens.getAccessToken());
      if (subject != null && !subject.equals(claims.getSubject())) {
        throw new OidcSignInException.InvalidToken(
            settings.getDisplayName()
                + " sent an access token of another user than its sign-in token. Nothing was"
                + " signed in.");
      }
      access = claims.getClaims();
    }
    String name = text(id.get(settings.getUsernameClaim()));
    if (name == null) {
      name = text(access.get(settings.getUsernameClaim()));
    }
    Set<String> groups = new LinkedHashSet<>(strings(id.get(settings.getGroupsClaim())));
    if (groups.isEmpty()) {
      groups.addAll(strings(access.get(settings.getGroupsClaim())));
    }
    Set<String> roles = new LinkedHashSet<>(strings(path(access, settings.getRolesClaim())));
    roles.addAll(strings(path(id, settings.getRolesClaim())));
    boolean admin = !settings.getAdminRole().isBlank() && roles.contains(settings.getAdminRole());

    OidcAccounts.SignedIn in = accounts.signIn(provider.issuer(), subject, name, groups, admin);
    List<String> berthRoles = new ArrayList<>(List.of("user"));
    if (in.account().admin()) {
      berthRoles.add("admin");
    }
    Login login =
        new Login(
            in.account().id(),
            in.account().username(),
            in.identityId(),
            subject,
            tokens.getIdToken(),
            tokens.getAccessToken(),
            tokens.getExpiresIn(),
            tokens.getRefreshToken());
    return AuthenticationResponse.success(
        in.account().username(), berthRoles, Map.of(LOGIN, login));
  }

  /** A value at a dotted path ({@code realm_access.roles}) of a token's claims, or null. */
  static Object path(Map<String, Object> claims, String dotted) {
    Object at = claims;
    for (String part : dotted.split("\\.")) {
      if (!(at instanceof Map<?, ?> map)) {
        return null;
      }
      at = map.get(part);
    }
    return at;
  }

  static List<String> strings(Object value) {
    List<String> out = new ArrayList<>();
    if (value instanceof Collection<?> c) {
      c.forEach(
          v -> {
            if (v instanceof String s) {
              out.add(s);
            }
          });
    } else if (value instanceof String s) {
      out.add(s);
    }
    return out;
  }

  private static String text(Object value) {
    return value instanceof String s ? s : null;
  }
}
