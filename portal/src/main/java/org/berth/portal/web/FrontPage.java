package org.berth.portal.web;

import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import org.berth.launch.Server;
import org.berth.portal.sharing.SharingLinks;
import org.berth.sharing.Sharing;

/**
 * The page people who are not signed in meet at {@code /}: what Berth is, a box to paste a
 * repository or a Binder link, and the public links of servers whose owners turned public access
 * on.
 */
@Singleton
class FrontPage {

  /** Most public links the front page lists. */
  static final int MOST_LISTED = 30;

  private final Sharing sharing;
  private final SharingLinks urls;

  FrontPage(Sharing sharing, SharingLinks urls) {
    this.sharing = sharing;
    this.urls = urls;
  }

  /** A public server as the front page lists it. */
  record PublicRow(String owner, String name, String source, String link) {}

  MutableHttpResponse<?> page(HttpStatus status, String pasted, String error) {
    Map<String, Object> model = Pages.model(null);
    model.put("pasted", pasted);
    model.put("error", error);
    List<PublicRow> rows =
        sharing.publicServers(MOST_LISTED).stream()
            .map(t -> row(t.server(), t.access().linkId()))
            .toList();
    model.put("publics", rows);
    return Pages.page(status, "front", model);
  }

  private PublicRow row(Server s, String linkId) {
    String repo = s.spec().source().repo();
    return new PublicRow(
        s.owner().value(),
        s.name().value(),
        repo.isEmpty() ? s.spec().image() : repo,
        urls.visit(linkId));
  }
}
