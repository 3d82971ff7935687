package org.berth.portal.account;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/** {@code berth.accounts.*}: local accounts, sessions and password rules. */
@ConfigurationProperties("berth.accounts")
public interface AccountsConfiguration {

  /** Whether visitors may create accounts themselves. */
  @Bindable(defaultValue = "true")
  boolean isSignupEnabled();

  /** bcrypt cost factor (4–31); each step doubles the work. */
  @Bindable(defaultValue = "10")
  int getBcryptCost();

  /** How long a browser session lasts after sign-in. */
  @Bindable(defaultValue = "12h")
  Duration getSessionTtl();

  /** Shortest password accepted at sign-up. */
  @Bindable(defaultValue = "8")
  int getMinPasswordLength();
}
