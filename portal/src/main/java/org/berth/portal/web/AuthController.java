package org.berth.portal.web;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.swagger.v3.oas.annotations.Hidden;
import java.util.Map;
import java.util.Optional;
import org.berth.portal.account.AccountException;
import org.berth.portal.account.AccountPendingException;
import org.berth.portal.account.AccountService;
import org.berth.portal.account.AccountsConfiguration;
import org.berth.portal.account.SignInThrottledException;
import org.berth.portal.account.SignUpClosedException;
import org.berth.portal.account.UserAccount;
import org.berth.portal.account.UserNameTakenException;
import org.berth.portal.auth.ClientAddress;
import org.berth.portal.auth.Csrf;
import org.berth.portal.auth.CsrfRejectedException;
import org.berth.portal.auth.CurrentUser;
import org.berth.portal.auth.SessionService;
import org.berth.portal.auth.oidc.SignInChoices;
import org.berth.portal.proxy.OriginAccess;

/** Sign-up, sign-in and sign-out pages for local accounts. */
@Hidden
@Controller
@Secured(SecurityRule.IS_ANONYMOUS)
@ExecuteOn(TaskExecutors.BLOCKING)
class AuthController {

  private final AccountService accounts;
  private final AccountsConfiguration config;
  private final SessionService sessions;
  private final Csrf csrf;
  private final OriginAccess origins;
  private final ClientAddress clientAddress;
  private final SignInChoices choices;

  AuthController(
      AccountService accounts,
      AccountsConfiguration config,
      SessionService sessions,
      Csrf csrf,
      OriginAccess origins,
      ClientAddress clientAddress,
      SignInChoices choices) {
    this.origins = origins;
    this.clientAddress = clientAddress;
    this.choices = choices;
    this.accounts = accounts;
    this.config = config;
    this.sessions = sessions;
    this.csrf = csrf;
  }

  @Get(value = "/login", produces = MediaType.TEXT_HTML)
  MutableHttpResponse<?> loginPage(
      HttpRequest<?> request,
      @Nullable @QueryValue String next,
      @Nullable @QueryValue String pending,
      @Nullable @QueryValue String signedout) {
    if (sessions.find(request).isPresent()) {
      return Pages.redirect(Pages.returnTo(next));
    }
    Map<String, Object> model = Pages.model(null);
    if (pending != null) {
      model.put(
          "notice", "Account created. An administrator must approve it before you can sign in.");
    } else if (signedout != null) {
      model.put("notice", "You are signed out.");
    } else if (next != null && !Pages.returnTo(next).equals("/")) {
      model.put("notice", "Sign in to open that page.");
    }
    model.put("returnTo", Pages.returnTo(next));
    return anonymousForm(request, HttpStatus.OK, "login", model);
  }

  @Post(
      value = "/login",
      consumes = MediaType.APPLICATION_FORM_URLENCODED,
      produces = MediaType.TEXT_HTML)
  MutableHttpResponse<?> login(HttpRequest<?> request, @Body Map<String, String> form) {
    if (!csrf.anonymousValid(request, form.get(Csrf.FIELD))) {
      throw new CsrfRejectedException();
    }
    String back = Pages.returnTo(form.get("next"));
    Optional<UserAccount> user;
    try {
      user =
          accounts.authenticate(
              form.get("username"), form.get("password"), clientAddress.of(request));
    } catch (SignInThrottledException | AccountPendingException e) {
      MutableHttpResponse<?> refused =
          loginError(request, ErrorHandlers.Account.statusOf(e), e.getMessage(), form, back);
      if (e instanceof SignInThrottledException wait) {
        refused.header(HttpHeaders.RETRY_AFTER, Long.toString(wait.retryAfterSeconds()));
      }
      return refused;
    }
    if (user.isEmpty()) {
      return loginError(
          request, HttpStatus.UNAUTHORIZED, "Wrong user name or password.", form, back);
    }
    Optional<String> refused = choices.localRefusal(user.get());
    if (refused.isPresent()) {
      return loginError(request, HttpStatus.FORBIDDEN, refused.get(), form, back);
    }
    return Pages.redirect(back).cookie(sessions.start(user.get()));
  }

  private MutableHttpResponse<?> loginError(
      HttpRequest<?> request,
      HttpStatus status,
      String message,
      Map<String, String> form,
      String back) {
    Map<String, Object> model = Pages.model(null);
    model.put("error", message);
    model.put("username", form.get("username"));
    model.put("returnTo", back);
    return anonymousForm(request, status, "login", model);
  }

  @Get(value = "/signup", produces = MediaType.TEXT_HTML)
  MutableHttpResponse<?> signupPage(HttpRequest<?> request, @Nullable @QueryValue String next) {
    Map<String, Object> model = Pages.model(null);
    model.put("returnTo", Pages.returnTo(next));
    if (!choices.isSignupOpen()) {
      return Pages.error(
          HttpStatus.NOT_FOUND,
          "Sign-up is turned off on this Berth. Ask an administrator for an account.",
          null);
    }
    return anonymousForm(request, HttpStatus.OK, "signup", model);
  }

  @Post(
      value = "/signup",
      consumes = MediaType.APPLICATION_FORM_URLENCODED,
      produces = MediaType.TEXT_HTML)
  MutableHttpResponse<?> signup(HttpRequest<?> request, @Body Map<String, String> form) {
    if (!csrf.anonymousValid(request, form.get(Csrf.FIELD))) {
      throw new CsrfRejectedException();
    }
    if (!choices.isSignupOpen()) {
      throw new SignUpClosedException();
    }
    try {
      // A new account is signed in at once (nobody should have to type it all again), unless an
      // administrator must approve it first.
      UserAccount created = accounts.signUp(form.get("username"), form.get("password"));
      if (accounts.signUpNeedsApproval()) {
        return Pages.redirect("/login?pending=1");
      }
      return Pages.redirect(Pages.returnTo(form.get("next"))).cookie(sessions.start(created));
    } catch (AccountException e) {
      Map<String, Object> model = Pages.model(null);
      model.put("error", e.getMessage());
      model.put("username", form.get("username"));
      model.put("returnTo", Pages.returnTo(form.get("next")));
      HttpStatus status =
          e instanceof UserNameTakenException ? HttpStatus.CONFLICT : HttpStatus.BAD_REQUEST;
      return anonymousForm(request, status, "signup", model);
    }
  }

  @Secured(SecurityRule.IS_AUTHENTICATED)
  @Post(
      value = "/logout",
      consumes = MediaType.APPLICATION_FORM_URLENCODED,
      produces = MediaType.TEXT_HTML)
  MutableHttpResponse<?> logout(
      HttpRequest<?> request, Authentication authentication, @Body Map<String, String> form) {
    CurrentUser user = CurrentUser.of(authentication);
    if (!csrf.valid(user, request, form.get(Csrf.FIELD))) {
      throw new CsrfRejectedException();
    }
    // Signing out of Berth also closes the doors it opened on the user's servers.
    origins.revokeUser(user.username());
    // A session from the identity provider ends there too (its sign-out comes back to /login).
    String next = choices.afterSignOut(request, user);
    return Pages.redirect(next).cookie(sessions.end(request));
  }

  private MutableHttpResponse<?> anonymousForm(
      HttpRequest<?> request, HttpStatus status, String view, Map<String, Object> model) {
    Csrf.AnonymousToken token = csrf.anonymousToken(request);
    model.put("csrf", token.value());
    model.put("signupEnabled", choices.isSignupOpen());
    model.put("signIn", choices);
    MutableHttpResponse<?> response = Pages.page(status, view, model);
    token.cookie().ifPresent(response::cookie);
    return response;
  }
}
