package org.berth.portal.account;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

/**
 * What a user chose on their pages. {@code openWhenReady}: the launching page goes on into the
 * server once it is ready (on by default, as on mybinder.org and JupyterHub's spawn page).
 */
@MappedEntity("user_preferences")
public record UserPreferences(@Id Long userId, boolean openWhenReady) {

  /** Every default, for a user who never chose. */
  public static UserPreferences defaults(long userId) {
    return new UserPreferences(userId, true);
  }
}
