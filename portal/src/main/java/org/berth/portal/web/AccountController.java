package org.berth.portal.web;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.swagger.v3.oas.annotations.Hidden;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.berth.portal.account.AccountException;
import org.berth.portal.account.Preferences;
import org.berth.portal.account.UserPreferences;
import org.berth.portal.auth.Csrf;
import org.berth.portal.auth.CurrentUser;
import org.berth.portal.auth.NewToken;
import org.berth.portal.auth.TokenService;
import org.berth.portal.auth.TokenSummary;

/**
 * The account page: personal API tokens, created (shown once, with a scope and a lifetime) and
 * revoked.
 */
@Hidden
@Controller("/account")
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
class AccountController {

  private static final Duration FLASH_TTL = Duration.ofMinutes(5);

  private final TokenService tokens;
  private final Csrf csrf;
  private final Preferences preferences;

  /** Tokens just created, by the creating session's CSRF token (unique per session). */
  private final Map<String, NewToken> justCreated = new ConcurrentHashMap<>();

  AccountController(TokenService tokens, Csrf csrf, Preferences preferences) {
    this.tokens = tokens;
    this.csrf = csrf;
    this.preferences = preferences;
  }

  @Get(produces = MediaType.TEXT_HTML)
  MutableHttpResponse<?> page(
      Authentication authentication,
      @io.micronaut.core.annotation.Nullable @QueryValue String saved) {
    CurrentUser user = CurrentUser.of(authentication);
    Map<String, Object> model = Pages.model(user);
    if (saved != null) {
      model.put("notice", "Preferences saved.");
    }
    // Shown on the one page view that follows its creation, never again.
    NewToken created = justCreated.remove(user.csrfToken());
    if (created != null && created.createdAt().isAfter(Instant.now().minus(FLASH_TTL))) {
      model.put("newToken", created);
    }
    return render(HttpStatus.OK, user, model);
  }

  @Post(
      value = "/tokens",
      consumes = MediaType.APPLICATION_FORM_URLENCODED,
      produces = MediaType.TEXT_HTML)
  MutableHttpResponse<?> create(
      HttpRequest<?> request, Authentication authentication, @Body Map<String, String> form) {
    CurrentUser user = csrf.require(authentication, request, form.get(Csrf.FIELD));
    Map<String, Object> model = Pages.model(user);
    try {
      justCreated.put(
          user.csrfToken(),
          tokens.create(
              user.id(), form.get("name"), form.get("scope"), form.get("expiresIn"), null));
      // Post/redirect/get: reloading the page must not create a second token.
      return Pages.redirect("/account");
    } catch (AccountException e) {
      model.put("error", e.getMessage());
      return render(HttpStatus.BAD_REQUEST, user, model);
    }
  }

  /**
   * Saves the user's preferences. The launching page sends its switch here too (by script), and its
   * form says to come back there with {@code back}.
   */
  @Post(
      value = "/preferences",
      consumes = MediaType.APPLICATION_FORM_URLENCODED,
      produces = MediaType.TEXT_HTML)
  MutableHttpResponse<?> savePreferences(
      HttpRequest<?> request, Authentication authentication, @Body Map<String, String> form) {
    CurrentUser user = csrf.require(authentication, request, form.get(Csrf.FIELD));
    preferences.save(new UserPreferences(user.id(), "true".equals(form.get("openWhenReady"))));
    String back = form.get("back");
    return Pages.redirect(back == null ? "/account?saved=1" : Pages.returnTo(back));
  }

  @Post(
      value = "/tokens/{id}/revoke",
      consumes = MediaType.APPLICATION_FORM_URLENCODED,
      produces = MediaType.TEXT_HTML)
  MutableHttpResponse<?> revoke(
      HttpRequest<?> request,
      Authentication authentication,
      @PathVariable long id,
      @Body Map<String, String> form) {
    CurrentUser user = csrf.require(authentication, request, form.get(Csrf.FIELD));
    if (!tokens.revoke(user.id(), id)) {
      return Pages.error(HttpStatus.NOT_FOUND, "You have no such token.", user);
    }
    return Pages.redirect("/account?revoked=" + id);
  }

  /** A token as the page shows it, with dates in UTC. */
  record TokenRow(
      long id, String name, String scope, String created, String lastUsed, String expires) {

    private static final DateTimeFormatter FORMAT =
        DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    static TokenRow of(TokenSummary t) {
      return new TokenRow(
          t.id(),
          t.name(),
          t.scope(),
          FORMAT.format(t.createdAt()),
          t.lastUsedAt() == null ? "never" : FORMAT.format(t.lastUsedAt()),
          t.expiresAt() == null ? "never" : FORMAT.format(t.expiresAt()));
    }
  }

  private MutableHttpResponse<?> render(
      HttpStatus status, CurrentUser user, Map<String, Object> model) {
    model.put("tokens", tokens.list(user.id()).stream().map(TokenRow::of).toList());
    model.put("preferences", preferences.of(user.id()));
    model.put("defaultLifetime", tokens.defaultLifetime());
    return Pages.page(status, "account", model);
  }
}
