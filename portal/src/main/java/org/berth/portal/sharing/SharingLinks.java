package org.berth.portal.sharing;

import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Value;
import io.micronaut.runtime.server.EmbeddedServer;
import jakarta.inject.Singleton;

/**
 * The portal's addresses of sharing, as people copy them: invite links, public links, launch links
 * and badges. The portal's address is {@code berth.portal-url}, else where it listens.
 */
@Singleton
public class SharingLinks {

  private final String configured;
  private final BeanProvider<EmbeddedServer> server;

  SharingLinks(
      @Value("${berth.portal-url:}") String portalUrl, BeanProvider<EmbeddedServer> server) {
    this.configured = portalUrl == null ? "" : portalUrl.strip().replaceAll("/+$", "");
    this.server = server;
  }

  /** The portal's own address, e.g. {@code http://localhost:8080}. */
  public String portal() {
    if (!configured.isEmpty()) {
      return configured;
    }
    return server.find(null).map(s -> s.getURL().toString().replaceAll("/+$", "")).orElse("");
  }

  public String invite(String secret) {
    return portal() + "/invites/" + secret;
  }

  public String visit(String linkId) {
    return portal() + "/p/" + linkId;
  }

  /** A launch link on this Berth, absolute ({@code .../v2/gh/owner/repo/main}). */
  public String launch(org.berth.sharing.BinderLinks.Link link) {
    return portal() + link.href();
  }

  /** The launch link pinned to a commit. */
  public String permanent(org.berth.sharing.BinderLinks.Link link, String commit) {
    return portal() + link.permanentHref(commit);
  }

  /** A full-spec link ({@code .../launch/<id>}). */
  public String saved(String id) {
    return portal() + "/launch/" + id;
  }

  /** The launch badge, at the path mybinder.org uses. */
  public String badge() {
    return portal() + "/badge_logo.svg";
  }
}
