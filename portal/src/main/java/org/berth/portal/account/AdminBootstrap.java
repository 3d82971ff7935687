package org.berth.portal.account;

import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;

/**
 * Creates the first admin from {@code BERTH_ADMIN_USER} / {@code BERTH_ADMIN_PASSWORD} at start.
 */
@Singleton
class AdminBootstrap {

  private final AccountService accounts;
  private final String user;
  private final String password;

  AdminBootstrap(
      AccountService accounts,
      @Nullable @Value("${berth.admin.user:}") String user,
      @Nullable @Value("${berth.admin.password:}") String password) {
    this.accounts = accounts;
    this.user = user;
    this.password = password;
  }

  @EventListener
  void onStartup(StartupEvent event) {
    if (user == null || user.isBlank()) {
      return;
    }
    if (password == null || password.isBlank()) {
      throw new IllegalStateException(
          "BERTH_ADMIN_USER is set but BERTH_ADMIN_PASSWORD is empty: set both, or neither.");
    }
    accounts.ensureAdmin(AccountService.parse(user), password);
  }
}
