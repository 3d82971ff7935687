package org.berth.sharing;

/** What a requester is to a server: the one access decision the proxy asks for every request. */
public enum Role {
  /** The server's owner. */
  OWNER,
  /** Someone the owner shares the server with; acts as the owner inside it. */
  COLLABORATOR,
  /** A visitor on their own temporary server (never the owner's). */
  VISITOR,
  /** Anyone else: refused, and told nothing about the server. */
  NOBODY;

  public boolean admitted() {
    return this != NOBODY;
  }
}
