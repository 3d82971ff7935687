package org.berth.portal.proxy;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * {@code berth.proxy.*}: where servers' own origins are served. Locally a server is reached at
 * {@code http://{server-id}.localhost:{port}/}; in production, set {@code domain} to a wildcard DNS
 * name and the public scheme and port to what the TLS front end shows.
 */
@ConfigurationProperties("berth.proxy")
public interface ProxyConfiguration {

  /** Address the proxy listens on. */
  @Bindable(defaultValue = "127.0.0.1")
  String getBind();

  /** Port the proxy listens on; 0 picks a free port (tests). */
  @Bindable(defaultValue = "8081")
  int getPort();

  /** Servers live on {@code {server-id}.{domain}}. */
  @Bindable(defaultValue = "localhost")
  String getDomain();

  /** Scheme of server origins as browsers see them. */
  @Bindable(defaultValue = "http")
  String getPublicScheme();

  /** Port of server origins as browsers see them; 0 means the listening port. */
  @Bindable(defaultValue = "0")
  int getPublicPort();

  /** How long a sign-in hand-off link stays valid. */
  @Bindable(defaultValue = "60s")
  Duration getHandoffTtl();

  /** How long the cookie a server's origin gets at hand-off lasts. */
  @Bindable(defaultValue = "8h")
  Duration getOriginSessionTtl();
}
