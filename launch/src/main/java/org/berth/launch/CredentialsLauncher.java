package org.berth.launch;

import java.util.List;
import java.util.function.Consumer;

/**
 * A {@link Launcher} that carries out the credentials hand-over around another launcher: servers
 * whose owners granted it start with the token's volume and variable, and get the token as soon as
 * they are ready (see {@link CredentialsHandOver}). Everything else is the other launcher's.
 */
public final class CredentialsLauncher implements Launcher {

  private final Launcher backend;
  private final CredentialsHandOver handOver;

  public CredentialsLauncher(Launcher backend, CredentialsHandOver handOver) {
    this.backend = backend;
    this.handOver = handOver;
  }

  /** The hand-over this launcher carries out. */
  public CredentialsHandOver handOver() {
    return handOver;
  }

  @Override
  public LaunchHandle start(LaunchRequest request, Consumer<LaunchEvent> events) {
    LaunchRequest prepared = handOver.prepare(request);
    LaunchHandle handle = backend.start(prepared, events);
    handOver.started(prepared, handle);
    return handle;
  }

  @Override
  public ServerStatus status(LaunchHandle handle) {
    return backend.status(handle);
  }

  @Override
  public void stop(LaunchHandle handle) {
    handOver.stopped(handle);
    backend.stop(handle);
  }

  @Override
  public void remove(LaunchHandle handle) {
    handOver.stopped(handle);
    backend.remove(handle);
  }

  @Override
  public void discard(String serverId) {
    backend.discard(serverId);
    handOver.discarded(serverId);
  }

  @Override
  public void deleteVolume(String source) {
    backend.deleteVolume(source);
  }

  @Override
  public List<ManagedServer> listManaged() {
    return backend.listManaged();
  }
}
