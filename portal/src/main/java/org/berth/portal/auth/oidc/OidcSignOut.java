package org.berth.portal.auth.oidc;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.server.util.HttpHostResolver;
import jakarta.inject.Singleton;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.berth.launch.CredentialsHandOver;
import org.berth.launch.UserName;
import org.berth.portal.auth.CurrentUser;
import org.berth.portal.auth.Secrets;
import org.berth.portal.auth.SessionService;

/**
 * Sign-out of a session that signed in through the provider: drops the tokens Berth held for it,
 * takes them out of the user's servers, and sends the browser to the provider's end-session
 * endpoint (OpenID Connect RP-Initiated Logout) with the session's ID token as the hint, so that
 * the provider's session ends too and the provider sends the browser back to Berth's sign-in page.
 */
@Singleton
@Requires(property = "berth.oidc.enabled", value = "true")
class OidcSignOut {

  private final Identities.SessionRepository sessions;
  private final TokenVault vault;
  private final CredentialsHandOver handOver;
  private final Provider provider;
  private final OidcSettings settings;
  private final HttpHostResolver hosts;
  private final String portalUrl;

  OidcSignOut(
      Identities.SessionRepository sessions,
      TokenVault vault,
      CredentialsHandOver handOver,
      Provider provider,
      OidcSettings settings,
      HttpHostResolver hosts,
      @Nullable @Value("${berth.portal-url:}") String portalUrl) {
    this.sessions = sessions;
    this.vault = vault;
    this.handOver = handOver;
    this.provider = provider;
    this.settings = settings;
    this.hosts = hosts;
    this.portalUrl = portalUrl == null ? "" : portalUrl.strip().replaceAll("/+$", "");
  }

  Optional<String> signOut(HttpRequest<?> request, CurrentUser user, String localTarget) {
    Optional<String> sessionId =
        request
            .getCookies()
            .findCookie(SessionService.COOKIE)
            .map(c -> Secrets.sha256(c.getValue()));
    if (sessionId.isEmpty()) {
      return Optional.empty();
    }
    vault.drop(sessionId.get());
    handOver.revoke(new UserName(user.username()));
    Optional<Identities.Session> session = sessions.findById(sessionId.get());
    if (session.isEmpty()) {
      return Optional.empty();
    }
    Optional<String> endpoint = provider.endSessionEndpoint();
    if (endpoint.isEmpty()) {
      return Optional.empty();
    }
    String base = portalUrl.isEmpty() ? hosts.resolve(request) : portalUrl;
    return Optional.of(
        endpoint.get()
            + (endpoint.get().contains("?") ? "&" : "?")
            + "client_id="
            + encode(settings.getClientId())
            + "&id_token_hint="
            + encode(session.get().idToken())
            + "&post_logout_redirect_uri="
            + encode(base + localTarget));
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
