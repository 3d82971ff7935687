package org.berth.launch;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A named server as the domain records it. {@code serverId} is an opaque, stable id ({@code
 * [a-z0-9]+}) used in back-end names and in the server's origin. {@code token} is the server's own
 * secret, kept so that the proxy can reach the server after a restart; it is never shown to anyone
 * and never printed. {@code handle} is the back end's handle of its latest start, or null before
 * the first one. Immutable; the {@code with*} methods return changed copies.
 */
public record Server(
    UserName owner,
    ServerName name,
    String serverId,
    ServerSpec spec,
    String token,
    ServerState state,
    String message,
    LaunchHandle handle,
    Instant createdAt,
    Instant startedAt) {

  public Server {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(name, "name");
    if (serverId == null || !serverId.matches("[a-z0-9]{1,40}")) {
      throw new IllegalArgumentException("server id must be 1-40 of [a-z0-9]");
    }
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(createdAt, "createdAt");
  }

  /** The path every request to this server starts with: {@code /user/{owner}/{name}/}. */
  public String baseUrl() {
    return baseUrl(owner, name);
  }

  public static String baseUrl(UserName owner, ServerName name) {
    return "/user/" + owner.value() + "/" + name.value() + "/";
  }

  public Optional<LaunchHandle> launchHandle() {
    return Optional.ofNullable(handle);
  }

  public boolean is(ServerState s) {
    return state == s;
  }

  public Server withState(ServerState newState, String newMessage) {
    return new Server(
        owner, name, serverId, spec, token, newState, newMessage, handle, createdAt, startedAt);
  }

  public Server withSpec(ServerSpec newSpec) {
    return new Server(
        owner, name, serverId, newSpec, token, state, message, handle, createdAt, startedAt);
  }

  /** Running from {@code at}, through the back end's {@code newHandle}. */
  public Server started(LaunchHandle newHandle, Instant at) {
    return new Server(
        owner, name, serverId, spec, token, ServerState.RUNNING, null, newHandle, createdAt, at);
  }

  @Override
  public String toString() {
    return "Server[" + owner + "/" + name + " (" + serverId + ") " + state + "]";
  }
}
