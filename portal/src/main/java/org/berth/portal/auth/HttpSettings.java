package org.berth.portal.auth;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/** {@code berth.http.*}: how the portal's answers are made safe for browsers. */
@ConfigurationProperties("berth.http")
public interface HttpSettings {

  /**
   * Whether Berth is reached over https through a TLS front end: then every cookie Berth sets is
   * marked {@code Secure}, so a browser never sends it over plain http.
   */
  @Bindable(defaultValue = "false")
  boolean isSecureCookies();
}
