package org.berth.sharing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.berth.volumes.Grantee;

/** A {@link ShareStore} in memory, for tests. */
public final class InMemoryShareStore implements ShareStore {

  private final Map<String, Set<Grantee>> collaborators = new ConcurrentHashMap<>();
  private final Map<String, Invite> invites = new ConcurrentHashMap<>();
  private final Map<String, PublicAccess> publics = new ConcurrentHashMap<>();
  private final Set<String> trusted = ConcurrentHashMap.newKeySet();
  private final Map<String, SavedLink> links = new ConcurrentHashMap<>();

  @Override
  public List<Grantee> collaborators(String serverId) {
    return List.copyOf(collaborators.getOrDefault(serverId, Set.of()));
  }

  @Override
  public synchronized void addCollaborator(String serverId, Grantee grantee) {
    collaborators.computeIfAbsent(serverId, k -> new LinkedHashSet<>()).add(grantee);
  }

  @Override
  public synchronized boolean removeCollaborator(String serverId, Grantee grantee) {
    Set<Grantee> set = collaborators.get(serverId);
    return set != null && set.remove(grantee);
  }

  @Override
  public List<String> serversSharedWith(List<Grantee> grantees) {
    List<String> out = new ArrayList<>();
    collaborators.forEach(
        (server, set) -> {
          if (set.stream().anyMatch(grantees::contains)) {
            out.add(server);
          }
        });
    return out;
  }

  @Override
  public void forgetServer(String serverId) {
    collaborators.remove(serverId);
    invites.values().removeIf(i -> i.serverId().equals(serverId));
    publics.remove(serverId);
  }

  @Override
  public Invite insertInvite(Invite invite) {
    invites.put(invite.id(), invite);
    return invite;
  }

  @Override
  public Invite updateInvite(Invite invite) {
    invites.put(invite.id(), invite);
    return invite;
  }

  @Override
  public Optional<Invite> inviteBySecretHash(String hash) {
    return invites.values().stream().filter(i -> i.secretHash().equals(hash)).findFirst();
  }

  @Override
  public List<Invite> invites(String serverId) {
    return invites.values().stream()
        .filter(i -> i.serverId().equals(serverId))
        .sorted(Comparator.comparing(Invite::createdAt))
        .toList();
  }

  @Override
  public Optional<PublicAccess> publicAccess(String serverId) {
    return Optional.ofNullable(publics.get(serverId));
  }

  @Override
  public Optional<PublicAccess> publicAccessByLink(String linkId) {
    return publics.values().stream().filter(p -> p.linkId().equals(linkId)).findFirst();
  }

  @Override
  public PublicAccess savePublicAccess(PublicAccess access) {
    publics.put(access.serverId(), access);
    return access;
  }

  @Override
  public List<PublicAccess> enabledPublicAccesses() {
    return publics.values().stream()
        .filter(PublicAccess::enabled)
        .sorted(Comparator.comparing(PublicAccess::serverId))
        .toList();
  }

  @Override
  public boolean trusted(String username, String permissionsHash) {
    return trusted.contains(username + "\n" + permissionsHash);
  }

  @Override
  public void trust(String username, String permissionsHash) {
    trusted.add(username + "\n" + permissionsHash);
  }

  @Override
  public SavedLink saveLink(SavedLink link) {
    links.put(link.id(), link);
    return link;
  }

  @Override
  public Optional<SavedLink> link(String id) {
    return Optional.ofNullable(links.get(id));
  }
}
