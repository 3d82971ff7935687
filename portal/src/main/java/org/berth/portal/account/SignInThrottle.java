package org.berth.portal.account;

import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows password guessing down. Wrong passwords are counted per account and per client address;
 * past a number of free failures each further try must wait, twice as long as the one before (10 s,
 * 20 s, 40 s …) up to {@code berth.accounts.signin-max-backoff}. A right password clears the
 * account's count (not the address's: a guesser could otherwise clear it with an account of their
 * own). Counts are forgotten a day after the last failure, and live in memory: a restart clears
 * them. Thread-safe.
 *
 * <p>Locking an account by guessing wrong on purpose is possible but costs the guesser the same
 * wait, and it never lasts longer than the longest back-off.
 */
@Singleton
public class SignInThrottle {

  private static final Duration FORGET_AFTER = Duration.ofDays(1);
  private static final Duration FIRST_WAIT = Duration.ofSeconds(10);

  /** Keeps the maps bounded when someone tries a million names. */
  private static final int MAX_ENTRIES = 100_000;

  private final Map<String, Failures> accounts = new ConcurrentHashMap<>();
  private final Map<String, Failures> addresses = new ConcurrentHashMap<>();
  private final int freeAccountFailures;
  private final int freeAddressFailures;
  private final Duration maxBackoff;
  private final Clock clock;

  @Inject
  SignInThrottle(AccountsConfiguration config) {
    this(
        config.getSigninFreeFailures(),
        config.getSigninFreeFailuresPerAddress(),
        config.getSigninMaxBackoff(),
        Clock.systemUTC());
  }

  SignInThrottle(int freeAccount, int freeAddress, Duration maxBackoff, Clock clock) {
    this.freeAccountFailures = freeAccount;
    this.freeAddressFailures = freeAddress;
    this.maxBackoff = maxBackoff;
    this.clock = clock;
  }

  /** Failures in a row and when the last one was. */
  private record Failures(int count, Instant last) {}

  /** How long a sign-in to {@code account} from {@code address} must still wait, if at all. */
  public Optional<Duration> waitFor(String account, String address) {
    Instant now = clock.instant();
    Duration a = remaining(accounts.get(key(account)), freeAccountFailures, now);
    Duration b =
        address == null
            ? Duration.ZERO
            : remaining(addresses.get(address), freeAddressFailures, now);
    Duration longer = a.compareTo(b) >= 0 ? a : b;
    return longer.isZero() ? Optional.empty() : Optional.of(longer);
  }

  /** Records a wrong password (or an unknown name). */
  public void failed(String account, String address) {
    Instant now = clock.instant();
    if (accounts.size() + addresses.size() > MAX_ENTRIES) {
      forgetOld();
    }
    accounts.merge(key(account), new Failures(1, now), (old, one) -> next(old, now));
    if (address != null) {
      addresses.merge(address, new Failures(1, now), (old, one) -> next(old, now));
    }
  }

  /** Records a right password: the account's count starts again. */
  public void succeeded(String account) {
    accounts.remove(key(account));
  }

  @Scheduled(fixedDelay = "10m", initialDelay = "10m")
  void forgetOld() {
    Instant cutoff = clock.instant().minus(FORGET_AFTER);
    accounts.values().removeIf(f -> f.last().isBefore(cutoff));
    addresses.values().removeIf(f -> f.last().isBefore(cutoff));
  }

  private Failures next(Failures old, Instant now) {
    boolean forgotten = old.last().plus(FORGET_AFTER).isBefore(now);
    return new Failures(forgotten ? 1 : old.count() + 1, now);
  }

  private Duration remaining(Failures f, int free, Instant now) {
    if (f == null || f.count() < free || f.last().plus(FORGET_AFTER).isBefore(now)) {
      return Duration.ZERO;
    }
    Duration wait = backoff(f.count() - free);
    Duration left = Duration.between(now, f.last().plus(wait));
    return left.isNegative() ? Duration.ZERO : left;
  }

  /** 10 s after the last free failure, then doubling, at most the configured longest wait. */
  Duration backoff(int beyondFree) {
    if (beyondFree >= 30) {
      return maxBackoff;
    }
    Duration wait = FIRST_WAIT.multipliedBy(1L << beyondFree);
    return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
  }

  private static String key(String account) {
    return account == null ? "" : account.strip().toLowerCase(Locale.ROOT);
  }
}
