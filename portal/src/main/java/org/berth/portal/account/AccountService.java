package org.berth.portal.account;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.micronaut.data.exceptions.DataAccessException;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.berth.launch.UserName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates local accounts and checks their passwords, slowing guessers down ({@link
 * SignInThrottle}); with {@code berth.accounts.signup-approval}, signed-up accounts wait until an
 * admin approves them. Thread-safe.
 */
@Singleton
public class AccountService {

  private static final Logger LOG = LoggerFactory.getLogger(AccountService.class);

  /** bcrypt reads at most 72 bytes; longer passwords would be silently cut, so refuse them. */
  private static final int MAX_PASSWORD_BYTES = 72;

  private final UserRepository users;
  private final AccountsConfiguration config;
  private final SignInThrottle throttle;
  private final byte[] dummyHash;

  public AccountService(
      UserRepository users, AccountsConfiguration config, SignInThrottle throttle) {
    this.users = users;
    this.config = config;
    this.throttle = throttle;
    // Checked against for unknown user names, so that a wrong name costs as long as a wrong
    // password and sign-in timing does not reveal which names exist.
    this.dummyHash =
        BCrypt.withDefaults().hash(config.getBcryptCost(), "berth-dummy".toCharArray());
  }

  /**
   * Creates a local account, unless sign-up is off, the name is taken or the password is weak. With
   * sign-up approval on, the account cannot sign in until an admin approves it.
   */
  public UserAccount signUp(String rawName, String password) {
    if (!config.isSignupEnabled()) {
      throw new SignUpClosedException();
    }
    return create(parse(rawName), password, false, !config.isSignupApproval());
  }

  /** Whether accounts made by sign-up wait for an admin. */
  public boolean signUpNeedsApproval() {
    return config.isSignupApproval();
  }

  /** Creates a local account regardless of the sign-up switch (used for the first admin). */
  public UserAccount create(UserName name, String password, boolean admin) {
    return create(name, password, admin, true);
  }

  private UserAccount create(UserName name, String password, boolean admin, boolean approved) {
    parseNew(name.value());
    checkPassword(password);
    if (users.existsByUsername(name.value())) {
      throw new UserNameTakenException(name);
    }
    String hash =
        BCrypt.withDefaults().hashToString(config.getBcryptCost(), password.toCharArray());
    try {
      UserAccount saved =
          users.save(
              new UserAccount(null, name.value(), hash, admin, "local", Instant.now(), approved));
      LOG.info(
          "Created account {}{}{}",
          name,
          admin ? " (admin)" : "",
          approved ? "" : ", waiting for approval");
      return saved;
    } catch (DataAccessException e) {
      // Two sign-ups for one name at the same moment: the unique constraint decides.
      if (users.existsByUsername(name.value())) {
        throw new UserNameTakenException(name);
      }
      throw e;
    }
  }

  /**
   * Returns the account when the name and password match a local account. Wrong passwords are
   * counted per account and per client address; past the free ones, a sign-in must wait.
   *
   * @param clientAddress where the sign-in comes from (null when unknown)
   * @throws SignInThrottledException when this account or address must wait (checked first, so the
   *     answer does not tell whether the password was right)
   * @throws AccountPendingException when the password is right but an admin has not approved the
   *     account yet
   */
  public Optional<UserAccount> authenticate(String rawName, String password, String clientAddress) {
    if (rawName == null || password == null) {
      return Optional.empty();
    }
    Optional<Duration> wait = throttle.waitFor(rawName, clientAddress);
    if (wait.isPresent()) {
      throw new SignInThrottledException(wait.get());
    }
    Optional<UserAccount> found = checkPassword(rawName, password);
    if (found.isEmpty()) {
      throttle.failed(rawName, clientAddress);
      return found;
    }
    throttle.succeeded(rawName);
    if (!found.get().approved()) {
      throw new AccountPendingException();
    }
    return found;
  }

  private Optional<UserAccount> checkPassword(String rawName, String password) {
    Optional<UserAccount> account = users.findByUsername(rawName.strip());
    byte[] hash =
        account
            .map(UserAccount::passwordHash)
            .map(h -> h.getBytes(StandardCharsets.UTF_8))
            .orElse(dummyHash);
    boolean ok =
        password.getBytes(StandardCharsets.UTF_8).length <= MAX_PASSWORD_BYTES
            && BCrypt.verifyer().verify(password.getBytes(StandardCharsets.UTF_8), hash).verified;
    return ok ? account.filter(a -> a.passwordHash() != null) : Optional.empty();
  }

  /** Accounts that wait for an admin's approval, oldest first. */
  public java.util.List<UserAccount> pending() {
    return users.findByApprovedOrderByCreatedAt(false);
  }

  /**
   * Lets a waiting account sign in.
   *
   * @return false when there is no such account
   */
  public boolean approve(String username) {
    Optional<UserAccount> account = users.findByUsername(username);
    account
        .filter(a -> !a.approved())
        .ifPresent(
            a -> {
              users.updateApproved(a.id(), true);
              LOG.info("Approved account {}", a.username());
            });
    return account.isPresent();
  }

  public Optional<UserAccount> find(long id) {
    return users.findById(id);
  }

  public Optional<UserAccount> findByName(String username) {
    return users.findByUsername(username);
  }

  /** Makes sure the named admin exists; an existing account is promoted, never re-passworded. */
  public void ensureAdmin(UserName name, String password) {
    Optional<UserAccount> existing = users.findByUsername(name.value());
    if (existing.isEmpty()) {
      create(name, password, true);
    } else if (!existing.get().admin() || !existing.get().approved()) {
      users.updateAdmin(existing.get().id(), true);
      users.updateApproved(existing.get().id(), true);
      LOG.info("Made existing account {} an admin", name);
    }
  }

  private void checkPassword(String password) {
    if (password == null || password.length() < config.getMinPasswordLength()) {
      throw new WeakPasswordException(
          "A password has at least " + config.getMinPasswordLength() + " characters.");
    }
    if (password.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
      throw new WeakPasswordException("A password has at most 72 bytes.");
    }
  }

  /** A user name as typed, by the one rule; a broken rule is an account error on these forms. */
  /** Parses the name of a new account: the one rule, and not a name Berth uses itself. */
  static UserName parseNew(String raw) {
    try {
      return UserName.forNewAccount(raw);
    } catch (org.berth.launch.InvalidUserNameException e) {
      throw new InvalidUserNameException(e.getMessage());
    }
  }

  public static UserName parse(String raw) {
    try {
      return UserName.parse(raw);
    } catch (org.berth.launch.InvalidUserNameException e) {
      throw new InvalidUserNameException(e.getMessage());
    }
  }
}
