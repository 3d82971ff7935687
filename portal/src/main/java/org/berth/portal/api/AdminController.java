package org.berth.portal.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Put;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.berth.portal.account.AccountException;
import org.berth.portal.account.AccountService;
import org.berth.portal.account.UserGroups;
import org.berth.portal.auth.Csrf;

/** What admins do through the API: the groups of local accounts. */
@Controller("/api/v1/admin")
@Secured("admin")
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "admin")
class AdminController {

  private final UserGroups groups;
  private final AccountService accounts;
  private final Csrf csrf;

  AdminController(UserGroups groups, AccountService accounts, Csrf csrf) {
    this.groups = groups;
    this.accounts = accounts;
    this.csrf = csrf;
  }

  /** A user's groups. */
  @Serdeable
  record Groups(@Nullable List<String> groups) {}

  @Get("/users/{name}/groups")
  @Operation(summary = "A user's groups")
  Groups get(@PathVariable String name) {
    known(name);
    return new Groups(List.copyOf(groups.of(name)));
  }

  @Put("/users/{name}/groups")
  @Operation(summary = "Set a local user's groups (identity-provider users get theirs at sign-in)")
  Groups set(
      HttpRequest<?> request,
      Authentication authentication,
      @PathVariable String name,
      @Nullable @Body Groups body) {
    csrf.require(authentication, request, null);
    known(name);
    return new Groups(
        List.copyOf(
            groups.set(name, body == null || body.groups() == null ? List.of() : body.groups())));
  }

  private void known(String name) {
    if (accounts.findByName(name).isEmpty()) {
      throw new AccountException("There is no user " + name + ".");
    }
  }
}
