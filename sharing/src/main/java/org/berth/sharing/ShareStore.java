package org.berth.sharing;

import java.util.List;
import java.util.Optional;
import org.berth.volumes.Grantee;

/**
 * Where the sharing domain keeps its records: collaborators, invites, public access, trusted specs
 * and saved launch specs. {@link InMemoryShareStore} in tests, the portal's database in Berth.
 * Thread-safe; each call is atomic on its own.
 */
public interface ShareStore {

  List<Grantee> collaborators(String serverId);

  void addCollaborator(String serverId, Grantee grantee);

  /** Removes a collaborator; returns whether there was one. */
  boolean removeCollaborator(String serverId, Grantee grantee);

  /** Servers shared with any of these grantees (a user, and their groups). */
  List<String> serversSharedWith(List<Grantee> grantees);

  void forgetServer(String serverId);

  Invite insertInvite(Invite invite);

  Invite updateInvite(Invite invite);

  Optional<Invite> inviteBySecretHash(String hash);

  List<Invite> invites(String serverId);

  Optional<PublicAccess> publicAccess(String serverId);

  Optional<PublicAccess> publicAccessByLink(String linkId);

  PublicAccess savePublicAccess(PublicAccess access);

  /** Every server's public access that is turned on; empty when none is. */
  List<PublicAccess> enabledPublicAccesses();

  /** Whether the user said "don't ask again" for specs with these permissions. */
  boolean trusted(String username, String permissionsHash);

  void trust(String username, String permissionsHash);

  SavedLink saveLink(SavedLink link);

  Optional<SavedLink> link(String id);
}
