package org.berth.portal.servers;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.util.List;

/**
 * {@code berth.binder.*}: BinderHub's API for existing Binder clients (Thebe, Jupyter Book's
 * live-code buttons).
 */
@ConfigurationProperties("berth.binder")
public interface BinderConfiguration {

  /**
   * Whether {@code GET /build/...} without credentials builds the repository and starts a visitor's
   * temporary server (with the visitors' limits), as mybinder.org does. Off by default: then it
   * answers 401.
   */
  @Bindable(defaultValue = "false")
  boolean isAnonymous();

  /**
   * The origins whose pages may read {@code /build} answers and reach visitors' servers with their
   * token ({@code Access-Control-Allow-Origin}); {@code *} for any, as BinderHub's default.
   */
  @Bindable(defaultValue = "*")
  List<String> getCorsAllowOrigins();

  /** The {@code Access-Control-Allow-Origin} value for a request from {@code origin}, if any. */
  default java.util.Optional<String> allowOrigin(String origin) {
    List<String> allowed = getCorsAllowOrigins();
    if (allowed.contains("*")) {
      return java.util.Optional.of("*");
    }
    if (origin != null && allowed.stream().anyMatch(a -> a.equalsIgnoreCase(origin.strip()))) {
      return java.util.Optional.of(origin.strip());
    }
    return java.util.Optional.empty();
  }
}
