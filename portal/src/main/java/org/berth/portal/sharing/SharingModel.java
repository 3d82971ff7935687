package org.berth.portal.sharing;

import jakarta.inject.Singleton;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.berth.launch.Principal;
import org.berth.sharing.Invite;
import org.berth.sharing.PublicAccess;
import org.berth.sharing.Sharing;

/** What a server's page shows about its sharing: collaborators, invites, public access. */
@Singleton
public class SharingModel {

  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  private final Sharing sharing;
  private final SharingLinks links;

  SharingModel(Sharing sharing, SharingLinks links) {
    this.sharing = sharing;
    this.links = links;
  }

  /** A time as sharing pages write it. */
  public static String when(Instant t) {
    return WHEN.format(t);
  }

  /**
   * The notice a sharing action leaves on the server's page, from the code it redirected with
   * (never text taken from the address); null when there is none.
   */
  public static String notice(String code, String who) {
    if (code == null) {
      return null;
    }
    String name = who == null ? "" : who;
    return switch (code) {
      case "added" -> "Shared with " + name + ".";
      case "removed" -> "No longer shared with " + name + ". Their next request is refused.";
      case "revoked" -> "Invite revoked: its link no longer works.";
      case "revoked-all" -> "Every invite is revoked.";
      case "public-on" ->
          "Public access is on: anyone with the link gets a temporary copy of this server.";
      case "public-off" -> "Public access is off: the public link no longer works.";
      default -> null;
    };
  }

  /** An invite as the owner's page lists it. */
  public record InviteRow(String id, String created, String expires, int uses, String state) {}

  /** Puts the server's sharing into a page's model. */
  public void fill(Map<String, Object> model, Principal owner, String server) {
    model.put(
        "collaborators",
        sharing.collaborators(owner, server).stream().map(Object::toString).toList());
    Instant now = Instant.now();
    List<InviteRow> invites =
        sharing.invites(owner, server).stream()
            .map(
                (Invite i) ->
                    new InviteRow(
                        i.id(),
                        WHEN.format(i.createdAt()),
                        WHEN.format(i.expiresAt()),
                        i.uses(),
                        i.revoked() ? "revoked" : i.usableAt(now) ? "active" : "expired"))
            .toList();
    model.put("invites", invites);
    PublicAccess access = sharing.publicAccess(owner, server).orElse(null);
    model.put("publicOn", access != null && access.enabled());
    model.put("publicReadOnly", access == null || access.mountsReadOnly());
    model.put(
        "publicLink", access != null && access.enabled() ? links.visit(access.linkId()) : null);
  }
}
