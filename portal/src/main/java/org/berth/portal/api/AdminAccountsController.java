package org.berth.portal.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.util.List;
import org.berth.portal.account.AccountException;
import org.berth.portal.account.AccountService;
import org.berth.portal.account.UserAccount;
import org.berth.portal.auth.Csrf;

/** Accounts that wait for approval (with {@code berth.accounts.signup-approval}); admins only. */
@Controller("/api/v1/admin/accounts")
@Secured("admin")
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "admin")
@SecurityRequirement(name = "bearer")
class AdminAccountsController {

  private final AccountService accounts;
  private final Csrf csrf;

  AdminAccountsController(AccountService accounts, Csrf csrf) {
    this.accounts = accounts;
    this.csrf = csrf;
  }

  /** An account as an admin sees it. */
  @Serdeable
  record AccountView(String username, Instant createdAt, boolean approved) {
    static AccountView of(UserAccount a) {
      return new AccountView(a.username(), a.createdAt(), a.approved());
    }
  }

  @Get
  @Operation(summary = "Accounts waiting for approval (status=pending, the only status so far)")
  List<AccountView> list(@Nullable @QueryValue String status) {
    if (status != null && !status.equals("pending")) {
      throw new AccountException("Only status=pending can be listed so far.");
    }
    return accounts.pending().stream().map(AccountView::of).toList();
  }

  @Post("/{username}/approve")
  @Operation(summary = "Let a waiting account sign in")
  HttpResponse<?> approve(
      HttpRequest<?> request, Authentication authentication, @PathVariable String username) {
    csrf.require(authentication, request, null);
    return accounts.approve(username) ? HttpResponse.noContent() : HttpResponse.notFound();
  }
}
