package org.berth.portal.web;

import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.berth.launch.CredentialsHandOver;
import org.berth.launch.CredentialsRule;
import org.berth.launch.Principal;
import org.berth.portal.auth.Csrf;
import org.berth.portal.auth.CurrentUser;
import org.berth.portal.auth.oidc.SignInChoices;
import org.berth.portal.credentials.Credentials;

/**
 * The launch form's credentials step: a launch that asks for the owner's token shows what that
 * means and asks for a confirmation first; the rule ({@link CredentialsRule}) may refuse it (a
 * local account has no token); the choice is recorded for the server just before it launches.
 */
@Singleton
class CredentialsStep {

  private final Credentials credentials;
  private final SignInChoices choices;

  CredentialsStep(Credentials credentials, SignInChoices choices) {
    this.credentials = credentials;
    this.choices = choices;
  }

  private static boolean asked(Map<String, String> form) {
    return "true".equals(form.get("credentials"));
  }

  private static boolean confirmed(Map<String, String> form) {
    return "true".equals(form.get("credentialsConfirmed"));
  }

  /** Why the launch may not hand the token over, when it asks for it and may not. */
  Optional<String> refusal(CurrentUser user, Map<String, String> form) {
    if (!asked(form)) {
      return Optional.empty();
    }
    CredentialsRule.Decision d = credentials.decide(user, true, true);
    return d.granted() ? Optional.empty() : Optional.of(d.reason());
  }

  /** Whether the launch asks for the token and the owner has not confirmed it yet. */
  boolean mustConfirm(CurrentUser user, Map<String, String> form) {
    return asked(form) && !confirmed(form) && credentials.decide(user, true, true).granted();
  }

  /** The page that says what handing the token over means, and asks. */
  MutableHttpResponse<?> confirmPage(CurrentUser user, String name, Map<String, String> form) {
    Map<String, Object> model = Pages.model(user);
    Map<String, String> resend = new LinkedHashMap<>(form);
    resend.remove(Csrf.FIELD);
    resend.remove("credentialsConfirmed");
    Map<String, String> without = new LinkedHashMap<>(resend);
    without.remove("credentials");
    model.put("form", resend);
    model.put("formWithout", without);
    model.put("name", name);
    String repo = form.get("repo");
    model.put("repo", repo == null || repo.isBlank() ? null : repo.strip());
    model.put("provider", choices.getProviderName());
    model.put("variable", CredentialsHandOver.ENV);
    model.put("file", CredentialsHandOver.FILE);
    return Pages.page(HttpStatus.OK, "credentials", model);
  }

  /** Records the choice for the server, as the rule decides it, just before it launches. */
  void apply(CurrentUser user, Principal owner, String name, Map<String, String> form) {
    credentials.apply(owner, name, credentials.decide(user, asked(form), confirmed(form)));
  }
}
