package org.berth.portal.auth.oidc;

import io.micronaut.context.annotation.Requires;
import io.micronaut.data.exceptions.DataAccessException;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.berth.launch.InvalidUserNameException;
import org.berth.launch.UserName;
import org.berth.portal.account.UserAccount;
import org.berth.portal.account.UserGroups;
import org.berth.portal.account.UserRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Berth account of an identity at the provider. An identity (issuer and subject) is bound to
 * one account the first time it signs in, and only ever signs in to that account: a user-name claim
 * that names another account (a local one, or another identity's) is refused, and so is a claim
 * that changed for an identity, since both would hand one person's account to another
 * (OAuthenticator's CVE-2026-33175 took a user name from a claim and merged). Groups and the admin
 * role are set from the tokens at every sign-in.
 */
@Singleton
@Requires(property = "berth.oidc.enabled", value = "true")
class OidcAccounts {

  private static final Logger LOG = LoggerFactory.getLogger(OidcAccounts.class);
  static final String SOURCE = "oidc";

  private final UserRepository users;
  private final Identities.IdentityRepository identities;
  private final UserGroups groups;
  private final OidcSettings settings;
  private final Clock clock = Clock.systemUTC();

  OidcAccounts(
      UserRepository users,
      Identities.IdentityRepository identities,
      UserGroups groups,
      OidcSettings settings) {
    this.users = users;
    this.identities = identities;
    this.groups = groups;
    this.settings = settings;
  }

  /** Who signed in: the account, its identity row, and the groups it has now. */
  record SignedIn(UserAccount account, long identityId, Set<String> groups) {}

  /**
   * The account of the identity, made on its first sign-in, with its groups and admin role as the
   * tokens say now.
   *
   * @param rawName the value of the user-name claim, or null when the token had none
   * @throws OidcSignInException.AccountRefused when the identity may not sign in to that name
   */
  @Transactional
  SignedIn signIn(
      String issuer,
      String subject,
      String rawName,
      Collection<String> groupClaims,
      boolean admin) {
    String provider = settings.getDisplayName();
    if (subject == null || subject.isBlank()) {
      throw new OidcSignInException.AccountRefused(
          provider + " did not say who you are (no subject in its token). Nothing was signed in.");
    }
    if (rawName == null || rawName.isBlank()) {
      throw new OidcSignInException.AccountRefused(
          provider
              + " did not send the claim '"
              + settings.getUsernameClaim()
              + "' that Berth takes user names from. Nothing was signed in; ask an administrator"
              + " to add it to Berth's client in "
              + provider
              + ".");
    }
    UserName name;
    try {
      name = UserName.parse(rawName);
    } catch (InvalidUserNameException e) {
      throw new OidcSignInException.AccountRefused(
          provider
              + " calls you '"
              + rawName
              + "', which cannot be a Berth user name: "
              + e.getMessage()
              + " Nothing was signed in; ask an administrator.");
    }
    Instant now = clock.instant();
    Optional<Identities.Identity> known = identities.findByIssuerAndSubject(issuer, subject);
    UserAccount account;
    long identityId;
    if (known.isPresent()) {
      account =
          users
              .findById(known.get().userId())
              .orElseThrow(() -> new IllegalStateException("an identity without its account"));
      if (!account.username().equals(name.value())) {
        LOG.warn(
            "Refused a sign-in: the identity of account {} now claims the name {}",
            account.username(),
            name);
        throw new OidcSignInException.AccountRefused(
            provider
                + " now calls you "
                + name
                + ", but you signed in to Berth before as "
                + account.username()
                + ". Berth never renames or merges accounts, so this sign-in is refused; ask an"
                + " administrator.");
      }
      identityId = known.get().id();
      identities.updateLastLoginAt(identityId, now);
    } else {
      Optional<UserAccount> taken = users.findByUsername(name.value());
      if (taken.isPresent()) {
        throw collision(name, taken.get());
      }
      try {
        // The provider vouches for its users: no approval by a Berth administrator is needed.
        account = users.save(new UserAccount(null, name.value(), null, admin, SOURCE, now, true));
        identityId =
            identities
                .save(new Identities.Identity(null, account.id(), issuer, subject, now, now))
                .id();
      } catch (DataAccessException e) {
        // Another sign-in took the name (or bound this identity) at the same moment.
        throw new OidcSignInException.AccountRefused(
            "The user name "
                + name
                + " was taken by another account at this very moment. Berth never merges"
                + " accounts, so this sign-in is refused; try again, or ask an administrator.");
      }
      LOG.info("Created account {} for a sign-in through {}", name, provider);
    }
    if (account.admin() != admin) {
      users.updateAdmin(account.id(), admin);
      LOG.info(
          "{} is {} an administrator, as {} says", name, admin ? "now" : "no longer", provider);
      account =
          new UserAccount(
              account.id(),
              account.username(),
              account.passwordHash(),
              admin,
              account.authSource(),
              account.createdAt(),
              account.approved());
    }
    Set<String> set = groups.set(name.value(), usable(name, groupClaims));
    return new SignedIn(account, identityId, set);
  }

  private OidcSignInException.AccountRefused collision(UserName name, UserAccount taken) {
    LOG.warn(
        "Refused a sign-in through {} as {}: that name is another account's",
        settings.getDisplayName(),
        name);
    String whose =
        "local".equals(taken.authSource())
            ? "a Berth account that signs in with a password"
            : "another identity, which signed in before";
    return new OidcSignInException.AccountRefused(
        "The user name "
            + name
            + " already belongs to "
            + whose
            + ". Berth never merges accounts, so this sign-in is refused; ask an administrator.");
  }

  /**
   * Group names as Berth uses them: Keycloak's full paths lose their leading slash ({@code
   * /courses/physics} becomes {@code courses/physics}); names Berth cannot use are left out (and
   * logged), so that one odd group does not stop a sign-in.
   */
  private static Set<String> usable(UserName user, Collection<String> claims) {
    Set<String> out = new LinkedHashSet<>();
    for (String raw : claims) {
      if (raw == null) {
        continue;
      }
      String g = raw.strip().replaceFirst("^/+", "");
      if (g.matches("[A-Za-z0-9][A-Za-z0-9._/-]{0,99}")) {
        out.add(g);
      } else if (!g.isEmpty()) {
        LOG.info(
            "Left out the group '{}' of {}: Berth group names use letters, digits, . _ - /",
            g,
            user);
      }
    }
    return out;
  }
}
