package org.berth.launch;

import java.time.Duration;
import java.util.Optional;

/**
 * Where the access tokens servers receive come from: the identity provider, through the owner's own
 * sign-in (the portal implements it). Never a token of anyone but the owner. Implementations are
 * thread-safe.
 */
public interface TokenSource {

  /**
   * The owner's current access token, renewed first when it would expire within {@code
   * minValidity}. Empty when Berth holds no live sign-in of the owner through the provider (a local
   * account, signed out, or the provider's session ended).
   */
  Optional<AccessToken> tokenFor(UserName owner, Duration minValidity);
}
