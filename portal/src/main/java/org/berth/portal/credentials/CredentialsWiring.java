package org.berth.portal.credentials;

import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.Optional;
import org.berth.launch.CredentialChoices;
import org.berth.launch.CredentialGrants;
import org.berth.launch.CredentialsHandOver;
import org.berth.launch.CredentialsLauncher;
import org.berth.launch.Launcher;
import org.berth.launch.ServerFiles;
import org.berth.launch.ServerStore;
import org.berth.launch.Servers;
import org.berth.launch.TokenSource;

/**
 * Wires the credentials hand-over: the one {@link Launcher} is wrapped in a {@link
 * CredentialsLauncher}, the token files go into servers through the back end's {@link ServerFiles}
 * (from {@code launch/}), and the tokens come from the identity provider's sign-ins (none without
 * one).
 */
@Factory
class CredentialsWiring {

  /** Without sign-in through a provider there are no tokens to hand over. */
  @Singleton
  @Requires(property = "berth.oidc.enabled", notEquals = "true")
  TokenSource noTokens() {
    return (owner, minValidity) -> Optional.empty();
  }

  @Singleton
  CredentialsHandOver handOver(
      BeanProvider<Launcher> launcher,
      TokenSource tokens,
      ServerFiles files,
      CredentialGrants grants,
      ServerStore store) {
    return new CredentialsHandOver(
        () -> launcher.get().listManaged(), tokens, files, grants, store, Clock.systemUTC());
  }

  @Singleton
  CredentialChoices credentialChoices(CredentialGrants grants, ServerStore store, Servers servers) {
    return new CredentialChoices(grants, store, servers);
  }

  /** Puts the hand-over around whichever launcher is configured. */
  @Singleton
  static class WrapLauncher implements BeanCreatedEventListener<Launcher> {

    private final BeanProvider<CredentialsHandOver> handOver;

    WrapLauncher(BeanProvider<CredentialsHandOver> handOver) {
      this.handOver = handOver;
    }

    @Override
    public Launcher onCreated(BeanCreatedEvent<Launcher> event) {
      Launcher created = event.getBean();
      if (created instanceof CredentialsLauncher) {
        return created;
      }
      return new CredentialsLauncher(created, handOver.get());
    }
  }
}
