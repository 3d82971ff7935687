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
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.swagger.v3.oas.annotations.Hidden;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import org.berth.portal.account.AccountService;
import org.berth.portal.account.UserAccount;
import org.berth.portal.auth.Csrf;
import org.berth.portal.auth.CurrentUser;

/** The admin's page of accounts waiting for approval. */
@Hidden
@Controller("/admin/accounts")
@Secured("admin")
@ExecuteOn(TaskExecutors.BLOCKING)
class AdminPagesController {

  private final AccountService accounts;
  private final Csrf csrf;

  AdminPagesController(AccountService accounts, Csrf csrf) {
    this.accounts = accounts;
    this.csrf = csrf;
  }

  @Get(produces = MediaType.TEXT_HTML)
  MutableHttpResponse<?> page(Authentication authentication) {
    Map<String, Object> model = Pages.model(CurrentUser.of(authentication));
    model.put("pending", accounts.pending().stream().map(PendingRow::of).toList());
    model.put("approvalOn", accounts.signUpNeedsApproval());
    return Pages.page(HttpStatus.OK, "admin-accounts", model);
  }

  /** A waiting account as the page shows it, with its date in UTC. */
  record PendingRow(String username, String signedUp) {

    private static final DateTimeFormatter FORMAT =
        DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    static PendingRow of(UserAccount a) {
      return new PendingRow(a.username(), FORMAT.format(a.createdAt()));
    }
  }

  @Post(value = "/{username}/approve", consumes = MediaType.APPLICATION_FORM_URLENCODED)
  MutableHttpResponse<?> approve(
      HttpRequest<?> request,
      Authentication authentication,
      @PathVariable String username,
      @Body Map<String, String> form) {
    CurrentUser user = csrf.require(authentication, request, form.get(Csrf.FIELD));
    if (!accounts.approve(username)) {
      return Pages.error(HttpStatus.NOT_FOUND, "There is no account " + username + ".", user);
    }
    return Pages.redirect("/admin/accounts");
  }
}
