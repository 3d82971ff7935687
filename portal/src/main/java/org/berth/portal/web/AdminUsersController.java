package org.berth.portal.web;

import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.swagger.v3.oas.annotations.Hidden;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.berth.portal.account.UserAccount;
import org.berth.portal.account.UserGroups;
import org.berth.portal.account.UserRepository;
import org.berth.portal.auth.CurrentUser;
import org.berth.portal.auth.oidc.SignInChoices;

/**
 * Berth's admin pages, for administrators only (a local admin, or whoever the identity provider
 * gives the admin role): the users, how each signs in, and their groups.
 */
@Hidden
@Controller("/admin")
@Secured("admin")
@ExecuteOn(TaskExecutors.BLOCKING)
class AdminUsersController {

  private final UserRepository users;
  private final UserGroups groups;
  private final SignInChoices choices;

  AdminUsersController(UserRepository users, UserGroups groups, SignInChoices choices) {
    this.users = users;
    this.groups = groups;
    this.choices = choices;
  }

  /** One user as the page lists them. */
  record UserRow(String name, String signsIn, boolean admin, String groups) {}

  @Get(value = "/users", produces = MediaType.TEXT_HTML)
  MutableHttpResponse<?> users(Authentication authentication) {
    CurrentUser user = CurrentUser.of(authentication);
    List<UserRow> rows =
        StreamSupport.stream(users.findAll().spliterator(), false)
            .sorted(Comparator.comparing(UserAccount::username))
            .map(this::row)
            .toList();
    Map<String, Object> model = Pages.model(user);
    model.put("users", rows);
    return Pages.page(HttpStatus.OK, "admin-users", model);
  }

  private UserRow row(UserAccount a) {
    String through = "local".equals(a.authSource()) ? "Berth password" : choices.getProviderName();
    String g = String.join(", ", groups.of(a.username()));
    return new UserRow(a.username(), through, a.admin(), g.isEmpty() ? "none" : g);
  }
}
