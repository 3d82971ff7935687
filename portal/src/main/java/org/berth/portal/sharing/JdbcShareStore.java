package org.berth.portal.sharing;

import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.berth.sharing.Invite;
import org.berth.sharing.PublicAccess;
import org.berth.sharing.SavedLink;
import org.berth.sharing.ShareStore;
import org.berth.volumes.Grantee;

/** The sharing domain's records in the database. */
@Singleton
class JdbcShareStore implements ShareStore {

  private final ShareRows.Collaborators collaborators;
  private final ShareRows.Invites invites;
  private final ShareRows.Publics publics;
  private final ShareRows.Trusted trusted;
  private final ShareRows.Links links;
  private final JsonMapper json;

  JdbcShareStore(
      ShareRows.Collaborators collaborators,
      ShareRows.Invites invites,
      ShareRows.Publics publics,
      ShareRows.Trusted trusted,
      ShareRows.Links links,
      JsonMapper json) {
    this.collaborators = collaborators;
    this.invites = invites;
    this.publics = publics;
    this.trusted = trusted;
    this.links = links;
    this.json = json;
  }

  @Override
  public List<Grantee> collaborators(String serverId) {
    return collaborators.findByServerIdOrderByGranteeName(serverId).stream()
        .map(r -> new Grantee(Grantee.Type.valueOf(r.granteeType()), r.granteeName()))
        .toList();
  }

  @Override
  @Transactional
  public void addCollaborator(String serverId, Grantee g) {
    if (collaborators
        .findByServerIdAndGranteeTypeAndGranteeName(serverId, g.type().name(), g.name())
        .isEmpty()) {
      collaborators.save(new ShareRows.CollaboratorRow(null, serverId, g.type().name(), g.name()));
    }
  }

  @Override
  @Transactional
  public boolean removeCollaborator(String serverId, Grantee g) {
    Optional<ShareRows.CollaboratorRow> row =
        collaborators.findByServerIdAndGranteeTypeAndGranteeName(
            serverId, g.type().name(), g.name());
    row.ifPresent(collaborators::delete);
    return row.isPresent();
  }

  @Override
  public List<String> serversSharedWith(List<Grantee> grantees) {
    Set<String> out = new LinkedHashSet<>();
    for (Grantee.Type type : Grantee.Type.values()) {
      List<String> names =
          grantees.stream().filter(g -> g.type() == type).map(Grantee::name).toList();
      if (!names.isEmpty()) {
        collaborators
            .findByGranteeTypeAndGranteeNameIn(type.name(), names)
            .forEach(r -> out.add(r.serverId()));
      }
    }
    return new ArrayList<>(out);
  }

  @Override
  @Transactional
  public void forgetServer(String serverId) {
    collaborators.deleteByServerId(serverId);
    invites.deleteByServerId(serverId);
    publics.deleteById(serverId);
  }

  @Override
  public Invite insertInvite(Invite i) {
    invites.save(row(i));
    return i;
  }

  @Override
  public Invite updateInvite(Invite i) {
    invites.update(row(i));
    return i;
  }

  @Override
  public Optional<Invite> inviteBySecretHash(String hash) {
    return invites.findBySecretHash(hash).map(JdbcShareStore::invite);
  }

  @Override
  public List<Invite> invites(String serverId) {
    return invites.findByServerIdOrderByCreatedAt(serverId).stream()
        .map(JdbcShareStore::invite)
        .toList();
  }

  @Override
  public Optional<PublicAccess> publicAccess(String serverId) {
    return publics.findById(serverId).map(JdbcShareStore::access);
  }

  @Override
  public Optional<PublicAccess> publicAccessByLink(String linkId) {
    return publics.findByLinkId(linkId).map(JdbcShareStore::access);
  }

  @Override
  @Transactional
  public PublicAccess savePublicAccess(PublicAccess a) {
    ShareRows.PublicRow row =
        new ShareRows.PublicRow(a.serverId(), a.linkId(), a.enabled(), a.mountsReadOnly());
    if (publics.existsById(a.serverId())) {
      publics.update(row);
    } else {
      publics.save(row);
    }
    return a;
  }

  @Override
  public List<PublicAccess> enabledPublicAccesses() {
    return publics.findByEnabledOrderByServerId(true).stream().map(JdbcShareStore::access).toList();
  }

  @Override
  public boolean trusted(String username, String permissionsHash) {
    return trusted.existsByUsernameAndPermissionsHash(username, permissionsHash);
  }

  @Override
  public void trust(String username, String permissionsHash) {
    if (!trusted(username, permissionsHash)) {
      trusted.save(new ShareRows.TrustedRow(null, username, permissionsHash));
    }
  }

  @Override
  public SavedLink saveLink(SavedLink link) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("repo", link.repo());
    spec.put("ref", link.ref());
    spec.put("serverName", link.serverName());
    spec.put("memory", link.memory());
    spec.put("cpus", link.cpus());
    spec.put("idleTimeout", link.idleTimeout());
    spec.put("path", link.path());
    List<Map<String, Object>> mounts = new ArrayList<>();
    for (SavedLink.MountLine m : link.mounts()) {
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("target", m.target());
      one.put("volume", m.volume());
      one.put("readOnly", m.readOnly());
      one.put("subPath", m.subPath());
      mounts.add(one);
    }
    spec.put("mounts", mounts);
    try {
      links.save(
          new ShareRows.LinkRow(
              link.id(), link.creator(), json.writeValueAsString(spec), link.createdAt()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return link;
  }

  @Override
  @SuppressWarnings("unchecked")
  public Optional<SavedLink> link(String id) {
    return links
        .findById(id)
        .map(
            row -> {
              Map<String, Object> s;
              try {
                s = json.readValue(row.specJson(), Argument.mapOf(String.class, Object.class));
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
              List<SavedLink.MountLine> mounts = new ArrayList<>();
              for (Object o : (List<Object>) s.getOrDefault("mounts", List.of())) {
                Map<String, Object> m = (Map<String, Object>) o;
                mounts.add(
                    new SavedLink.MountLine(
                        (String) m.get("target"),
                        (String) m.get("volume"),
                        Boolean.TRUE.equals(m.get("readOnly")),
                        (String) m.get("subPath")));
              }
              Object cpus = s.get("cpus");
              return new SavedLink(
                  row.id(),
                  row.creator(),
                  (String) s.get("repo"),
                  (String) s.get("ref"),
                  (String) s.get("serverName"),
                  (String) s.get("memory"),
                  cpus == null ? null : ((Number) cpus).doubleValue(),
                  (String) s.get("idleTimeout"),
                  (String) s.get("path"),
                  mounts,
                  row.createdAt());
            });
  }

  private static ShareRows.InviteRow row(Invite i) {
    return new ShareRows.InviteRow(
        i.id(), i.serverId(), i.secretHash(), i.createdAt(), i.expiresAt(), i.uses(), i.revoked());
  }

  private static Invite invite(ShareRows.InviteRow r) {
    return new Invite(
        r.id(), r.serverId(), r.secretHash(), r.createdAt(), r.expiresAt(), r.uses(), r.revoked());
  }

  private static PublicAccess access(ShareRows.PublicRow r) {
    return new PublicAccess(r.serverId(), r.linkId(), r.enabled(), r.mountsReadOnly());
  }
}
