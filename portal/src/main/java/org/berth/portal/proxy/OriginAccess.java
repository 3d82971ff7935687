package org.berth.portal.proxy;

import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.berth.portal.account.AccountService;
import org.berth.portal.account.UserAccount;
import org.berth.portal.auth.LocalRedirect;
import org.berth.portal.auth.Secrets;
import org.berth.portal.auth.TokenService;

/**
 * Who may come through a server's origin. A signed-in user gets there through a hand-off: the
 * portal issues a one-time code bound to the user and the server, the origin redeems it for a
 * cookie of its own. The portal's session cookie never reaches a server's origin. Scripts may send
 * their API token instead. Thread-safe. Hand-offs live in memory (they last seconds); origin
 * sessions are also stored in the database, so that browsers stay let in across a restart, and are
 * looked up there (off the event loop) when memory does not know them.
 */
@Singleton
public class OriginAccess {

  static final String COOKIE = "berth_origin";
  static final String HOST_COOKIE = "__Host-" + COOKIE;
  static final String HANDOFF_PATH = "/_berth/handoff";

  private final ProxyConfiguration config;
  private final boolean secureCookies;
  private final TokenService tokens;
  private final AccountService accounts;
  private final ExecutorService blocking;
  private final OriginSessionRepository stored;
  private final Pattern originHost;
  private final Map<String, Grant> handoffs = new ConcurrentHashMap<>();
  private final Map<String, Grant> sessions = new ConcurrentHashMap<>();
  private volatile int listeningPort;

  OriginAccess(
      ProxyConfiguration config,
      TokenService tokens,
      AccountService accounts,
      OriginSessionRepository stored,
      @Named(TaskExecutors.BLOCKING) ExecutorService blocking) {
    this.config = config;
    // Server origins are https exactly when the front end says so (berth.proxy.public-scheme).
    this.secureCookies = config.getPublicScheme().equals("https");
    this.stored = stored;
    this.tokens = tokens;
    this.accounts = accounts;
    this.blocking = blocking;
    this.originHost =
        Pattern.compile("([a-z0-9]{1,63})\\." + Pattern.quote(config.getDomain()) + "(:\\d+)?");
  }

  /** A user and the server they were let into, until when. */
  record Grant(String username, String serverId, Instant expires) {}

  void listeningOn(int port) {
    this.listeningPort = port;
  }

  /** The origin a server is served from, e.g. {@code http://abc123.localhost:8081}. */
  public String origin(String serverId) {
    int port = config.getPublicPort() > 0 ? config.getPublicPort() : listeningPort;
    boolean defaultPort =
        (port == 80 && config.getPublicScheme().equals("http"))
            || (port == 443 && config.getPublicScheme().equals("https"));
    return config.getPublicScheme()
        + "://"
        + serverId
        + "."
        + config.getDomain()
        + (defaultPort ? "" : ":" + port);
  }

  /**
   * A one-time link that signs {@code username} into the server's origin and then opens {@code
   * next} (a path on that origin).
   */
  public String handoffLink(String username, String serverId, String next) {
    String code = Secrets.random();
    handoffs.put(
        Secrets.sha256(code),
        new Grant(username, serverId, Instant.now().plus(config.getHandoffTtl())));
    return origin(serverId)
        + HANDOFF_PATH
        + "?code="
        + code
        + "&next="
        + URLEncoder.encode(LocalRedirect.path(next), StandardCharsets.UTF_8);
  }

  /** The server id a Host header names, if it is a server origin. */
  Optional<String> serverIdOf(String host) {
    if (host == null) {
      return Optional.empty();
    }
    Matcher m = originHost.matcher(host.toLowerCase());
    return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /** Redeems a hand-off code for this server: the new origin cookie's value, once. */
  Optional<String> redeem(String serverId, String code) {
    if (code == null) {
      return Optional.empty();
    }
    Grant grant = handoffs.remove(Secrets.sha256(code));
    if (grant == null
        || !grant.serverId().equals(serverId)
        || grant.expires().isBefore(Instant.now())) {
      return Optional.empty();
    }
    String cookie = Secrets.random();
    String hash = Secrets.sha256(cookie);
    Grant session =
        new Grant(grant.username(), serverId, Instant.now().plus(config.getOriginSessionTtl()));
    sessions.put(hash, session);
    blocking.execute(
        () ->
            stored.save(new OriginSession(hash, session.username(), serverId, session.expires())));
    return Optional.of(cookie);
  }

  /**
   * The user an origin cookie belongs to, if it is live and was issued for this server. Answers at
   * once from memory; a cookie memory does not know (after a restart) is looked up in the database.
   */
  CompletableFuture<Optional<String>> userOfCookie(String serverId, String cookie) {
    if (cookie == null) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    String hash = Secrets.sha256(cookie);
    Grant known = sessions.get(hash);
    if (known != null) {
      return CompletableFuture.completedFuture(admitted(known, serverId));
    }
    return CompletableFuture.supplyAsync(
        () ->
            stored
                .findById(hash)
                .map(s -> new Grant(s.username(), s.serverId(), s.expiresAt()))
                .flatMap(
                    g -> {
                      sessions.put(hash, g);
                      return admitted(g, serverId);
                    }),
        blocking);
  }

  private static Optional<String> admitted(Grant grant, String serverId) {
    if (!grant.serverId().equals(serverId) || grant.expires().isBefore(Instant.now())) {
      return Optional.empty();
    }
    return Optional.of(grant.username());
  }

  /** The user a Berth API token belongs to; looked up off the event loop. */
  CompletableFuture<Optional<String>> userOfToken(String token) {
    return CompletableFuture.supplyAsync(
        () ->
            tokens
                .authenticate(token)
                .flatMap(t -> accounts.find(t.userId()))
                .map(UserAccount::username),
        blocking);
  }

  /** Ends every origin session of a user, e.g. when they sign out of the portal. */
  public void revokeUser(String username) {
    sessions.values().removeIf(g -> g.username().equals(username));
    stored.deleteByUsername(username);
  }

  /**
   * The origin cookie's name. Over https it carries the {@code __Host-} prefix: browsers then only
   * accept it with {@code Secure}, {@code Path=/} and no {@code Domain}, so a page on another
   * server's origin of the same site cannot set or shadow it. Browsers refuse {@code Secure}
   * cookies from plain-http origins (Chromium makes an exception for localhost only), so on plain
   * http it is just {@code berth_origin}, still host-only.
   */
  String cookieName() {
    return secureCookies ? HOST_COOKIE : COOKIE;
  }

  /** Whether the origin cookie is marked {@code Secure}. */
  boolean secureCookies() {
    return secureCookies;
  }

  long originSessionTtlSeconds() {
    return config.getOriginSessionTtl().toSeconds();
  }

  @Scheduled(fixedDelay = "5m", initialDelay = "5m")
  void removeExpired() {
    Instant now = Instant.now();
    handoffs.values().removeIf(g -> g.expires().isBefore(now));
    sessions.values().removeIf(g -> g.expires().isBefore(now));
    stored.deleteByExpiresAtLessThan(now);
  }
}
