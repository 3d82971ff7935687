package org.berth.portal.account;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.GeneratedValue;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.MappedProperty;
import java.time.Instant;
import org.berth.launch.UserName;

/**
 * A stored account. {@code passwordHash} is empty for accounts that sign in through an identity
 * provider. {@code approved} is false while a signed-up account waits for an admin (only with
 * {@code berth.accounts.signup-approval}).
 */
@MappedEntity("users")
public record UserAccount(
    @Id @GeneratedValue @Nullable Long id,
    String username,
    @Nullable String passwordHash,
    @MappedProperty("is_admin") boolean admin,
    String authSource,
    Instant createdAt,
    boolean approved) {

  public UserName name() {
    return new UserName(username);
  }
}
