package org.berth.portal.auth.oidc;

import io.micronaut.http.HttpRequest;
import io.micronaut.views.ModelAndView;
import io.micronaut.views.model.ViewModelProcessor;
import jakarta.inject.Singleton;
import java.util.Map;
import org.berth.portal.account.UserGroups;
import org.berth.portal.auth.CurrentUser;

/**
 * Adds what pages show about signing in: the ways in (sign-in and sign-up pages), and on the
 * account page the groups the user belongs to (from the provider at each sign-in, or set by an
 * administrator).
 */
@Singleton
class SignInViewModel implements ViewModelProcessor<Map<String, Object>> {

  private final SignInChoices choices;
  private final UserGroups groups;

  SignInViewModel(SignInChoices choices, UserGroups groups) {
    this.choices = choices;
    this.groups = groups;
  }

  @Override
  public void process(HttpRequest<?> request, ModelAndView<Map<String, Object>> modelAndView) {
    String view = modelAndView.getView().orElse("");
    Map<String, Object> model = modelAndView.getModel().orElse(null);
    if (model == null) {
      return;
    }
    switch (view) {
      case "home", "front", "links" -> model.putIfAbsent("signIn", choices);
      case "login", "signup" -> {
        model.putIfAbsent("signIn", choices);
        if (model.containsKey("signupEnabled")) {
          model.put("signupEnabled", choices.isSignupOpen());
        }
      }
      case "account" -> {
        if (model.get("user") instanceof CurrentUser user) {
          model.put("groups", groups.of(user.username()));
        }
      }
      default -> {
        // Other pages show nothing about signing in.
      }
    }
  }
}
