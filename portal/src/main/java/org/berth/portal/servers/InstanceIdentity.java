package org.berth.portal.servers;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.berth.launch.InstanceId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This Berth's instance id: {@code berth.launch.instance-id} when set, else an id generated at the
 * first start and kept in the database ({@code settings}), so that every Berth with a database of
 * its own has an id of its own and two Berths on one Docker engine never remove each other's
 * servers as orphans.
 */
@Factory
class InstanceIdentity {

  private static final Logger LOG = LoggerFactory.getLogger(InstanceIdentity.class);
  static final String KEY = "instance-id";

  @Singleton
  InstanceId instanceId(
      @Value("${berth.launch.instance-id:}") String setting, SettingRepository settings) {
    String configured = setting == null ? "" : setting.strip();
    if (!configured.isEmpty()) {
      return new InstanceId(configured);
    }
    return settings
        .findById(KEY)
        .map(s -> new InstanceId(s.textValue()))
        .orElseGet(
            () -> {
              byte[] bytes = new byte[5];
              new SecureRandom().nextBytes(bytes);
              InstanceId made = new InstanceId("berth-" + HexFormat.of().formatHex(bytes));
              settings.save(new Setting(KEY, made.value()));
              LOG.info("This Berth's instance id is {} (kept in its database)", made);
              return made;
            });
  }
}
