package org.berth.sharing;

import org.berth.launch.Principal;

/** Who sends a request to a server: a signed-in user, a visitor's browser session, or nobody. */
public sealed interface Requester {

  /** A signed-in user, with their groups as they are now. */
  record User(Principal principal) implements Requester {}

  /** A visitor's browser session (random, unguessable, not signed in). */
  record Visitor(String session) implements Requester {}

  /** No credentials at all. */
  record Nobody() implements Requester {}
}
