package org.berth.portal.account;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/** {@code berth.accounts.*}: local accounts, sessions, sign-in limits and token rules. */
@ConfigurationProperties("berth.accounts")
public interface AccountsConfiguration {

  /** Whether visitors may create accounts themselves. */
  @Bindable(defaultValue = "true")
  boolean isSignupEnabled();

  /** Whether an account made by sign-up waits until an admin approves it before it can sign in. */
  @Bindable(defaultValue = "false")
  boolean isSignupApproval();

  /** bcrypt cost factor (4–31); each step doubles the work. */
  @Bindable(defaultValue = "10")
  int getBcryptCost();

  /** How long a browser session lasts after sign-in. */
  @Bindable(defaultValue = "12h")
  Duration getSessionTtl();

  /** Shortest password accepted at sign-up. */
  @Bindable(defaultValue = "8")
  int getMinPasswordLength();

  /** Wrong passwords in a row for one account before each further try must wait. */
  @Bindable(defaultValue = "5")
  int getSigninFreeFailures();

  /** Wrong passwords from one client address (for any accounts) before it must wait. */
  @Bindable(defaultValue = "30")
  int getSigninFreeFailuresPerAddress();

  /** The longest wait between tries; the wait doubles with every further wrong password. */
  @Bindable(defaultValue = "15m")
  Duration getSigninMaxBackoff();

  /** How long an API token lasts when its maker does not say. */
  @Bindable(defaultValue = "90d")
  Duration getTokenTtl();

  /** The longest life an API token may ask for. */
  @Bindable(defaultValue = "365d")
  Duration getTokenMaxTtl();
}
