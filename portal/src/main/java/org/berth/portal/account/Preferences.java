package org.berth.portal.account;

import io.micronaut.data.exceptions.DataAccessException;
import jakarta.inject.Singleton;

/** Reads and saves users' preferences; a user who never chose has the defaults. Thread-safe. */
@Singleton
public class Preferences {

  private final UserPreferencesRepository rows;

  Preferences(UserPreferencesRepository rows) {
    this.rows = rows;
  }

  public UserPreferences of(long userId) {
    return rows.findById(userId).orElseGet(() -> UserPreferences.defaults(userId));
  }

  public void save(UserPreferences preferences) {
    if (rows.existsById(preferences.userId())) {
      rows.update(preferences);
      return;
    }
    try {
      rows.save(preferences);
    } catch (DataAccessException e) {
      rows.update(preferences); // saved by another request of the same user meanwhile
    }
  }
}
