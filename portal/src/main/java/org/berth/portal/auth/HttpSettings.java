package org.berth.portal.auth;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

/** {@code berth.http.*}: how the portal stands behind a front end and guards browsers. */
@ConfigurationProperties("berth.http")
public interface HttpSettings {

  /**
   * Whether Berth is reached over https through a TLS front end: then every cookie the portal sets
   * is marked {@code Secure}, so a browser never sends it over plain http.
   */
  @Bindable(defaultValue = "false")
  boolean isSecureCookies();

  /**
   * The header in which the front end reports the client's address (e.g. {@code X-Forwarded-For});
   * its last entry is used. Empty: the connection's own peer address. Set it only when every
   * request reaches Berth through that front end, or clients could name any address.
   */
  @Nullable
  String getClientAddressHeader();
}
