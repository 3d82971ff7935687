package org.berth.portal.web;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.http.cookie.SameSite;
import io.micronaut.http.sse.Event;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.swagger.v3.oas.annotations.Hidden;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.berth.launch.Server;
import org.berth.portal.auth.Csrf;
import org.berth.portal.auth.CsrfRejectedException;
import org.berth.portal.auth.CurrentUser;
import org.berth.portal.auth.HttpSettings;
import org.berth.portal.proxy.Admission;
import org.berth.portal.proxy.OriginAccess;
import org.berth.portal.servers.LaunchEventViews;
import org.berth.portal.servers.LaunchEventViews.LaunchEventView;
import org.berth.sharing.Sharing;
import org.berth.sharing.SharingException;
import org.berth.sharing.Visit;
import org.berth.sharing.Visits;
import org.reactivestreams.Publisher;

/**
 * Public links, for anyone, signed in or not: a page that says what the visitor gets, a Start
 * button (a POST with the page's token: a GET never starts anything), then the visitor's own
 * temporary server on its own origin. A visitor's browser is known by a cookie of its own; a visit
 * is open only to the browser that started it.
 */
@Hidden
@Controller
@Secured(SecurityRule.IS_ANONYMOUS)
@ExecuteOn(TaskExecutors.BLOCKING)
class VisitPagesController {

  static final String COOKIE = "berth_visitor";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Sharing sharing;
  private final Visits visits;
  private final OriginAccess origins;
  private final Csrf csrf;
  private final boolean secure;

  VisitPagesController(
      Sharing sharing, Visits visits, OriginAccess origins, Csrf csrf, HttpSettings http) {
    this.sharing = sharing;
    this.visits = visits;
    this.origins = origins;
    this.csrf = csrf;
    this.secure = http.isSecureCookies();
  }

  @Get(value = "/p/{link}", produces = MediaType.TEXT_HTML)
  MutableHttpResponse<?> page(
      HttpRequest<?> request,
      @io.micronaut.core.annotation.Nullable Authentication auth,
      @PathVariable String link) {
    Sharing.PublicTarget target = sharing.publicTarget(link);
    Map<String, Object> model = Pages.model(auth == null ? null : CurrentUser.of(auth));
    Csrf.AnonymousToken token = csrf.anonymousToken(request);
    model.put("csrf", token.value());
    describe(model, target, link);
    MutableHttpResponse<?> response = Pages.page(HttpStatus.OK, "visit", model);
    token.cookie().ifPresent(response::cookie);
    return response;
  }

  @Post(
      value = "/p/{link}",
      consumes = MediaType.APPLICATION_FORM_URLENCODED,
      produces = MediaType.TEXT_HTML)
  MutableHttpResponse<?> start(
      HttpRequest<?> request, @PathVariable String link, @Body Map<String, String> form) {
    if (!csrf.anonymousValid(request, form.get(Csrf.FIELD))) {
      throw new CsrfRejectedException();
    }
    Sharing.PublicTarget target = sharing.publicTarget(link);
    Optional<String> known = session(request);
    String session = known.orElseGet(VisitPagesController::newSession);
    Visit visit = visits.open(target, session);
    MutableHttpResponse<?> response = Pages.redirect("/visits/" + visit.id());
    if (known.isEmpty()) {
      response.cookie(
          Cookie.of(COOKIE, session)
              .path("/")
              .httpOnly(true)
              .sameSite(SameSite.Lax)
              .secure(secure));
    }
    return response;
  }

  /** The visit starting, then ready: it goes on into the server by itself. */
  @Get(value = "/visits/{id}", produces = MediaType.TEXT_HTML)
  MutableHttpResponse<?> visiting(
      HttpRequest<?> request,
      @io.micronaut.core.annotation.Nullable Authentication auth,
      @PathVariable String id) {
    Visit visit = mine(request, id);
    Map<String, Object> model = Pages.model(auth == null ? null : CurrentUser.of(auth));
    model.put("visit", visit);
    model.put("ready", visit.ready());
    model.put("lifetime", words(visits.settings().lifetime()));
    return Pages.page(HttpStatus.OK, "visiting", model);
  }

  @Get(value = "/visits/{id}/events", produces = MediaType.TEXT_EVENT_STREAM)
  Publisher<Event<LaunchEventView>> events(HttpRequest<?> request, @PathVariable String id) {
    mine(request, id);
    return LaunchEventViews.stream(listener -> visits.follow(id, listener))
        .map(LaunchEventViews::sse);
  }

  /** Signs the visitor's browser into its visit's origin, and opens it. */
  @Get("/visits/{id}/open")
  MutableHttpResponse<?> open(HttpRequest<?> request, @PathVariable String id) {
    Visit visit = mine(request, id);
    return Pages.redirect(
        origins.handoffLink(
            Admission.VISITOR_PREFIX + visit.session(), visit.id(), visit.baseUrl() + "tree"));
  }

  @Post(
      value = "/visits/{id}/end",
      consumes = MediaType.APPLICATION_FORM_URLENCODED,
      produces = MediaType.TEXT_HTML)
  MutableHttpResponse<?> end(
      HttpRequest<?> request, @PathVariable String id, @Body Map<String, String> form) {
    if (!csrf.anonymousValid(request, form.get(Csrf.FIELD))) {
      throw new CsrfRejectedException();
    }
    Visit visit = mine(request, id);
    visits.end(visit.id());
    return Pages.redirect("/p/" + visit.linkId() + "?ended=1");
  }

  /** The visit, when it belongs to this browser; otherwise as if there were none. */
  private Visit mine(HttpRequest<?> request, String id) {
    Optional<String> session = session(request);
    return visits
        .find(id)
        .filter(v -> session.isPresent() && v.session().equals(session.get()))
        .orElseThrow(
            () ->
                new SharingException.NotFound(
                    "There is no visit of yours here. It may have ended: open the public link"
                        + " again."));
  }

  private static Optional<String> session(HttpRequest<?> request) {
    return request
        .getCookies()
        .findCookie(COOKIE)
        .map(Cookie::getValue)
        .filter(v -> v.matches("[A-Za-z0-9_-]{40,64}"));
  }

  private static String newSession() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private void describe(Map<String, Object> model, Sharing.PublicTarget target, String link) {
    Server s = target.server();
    model.put("owner", s.owner().value());
    model.put("server", s.name().value());
    model.put("repo", s.spec().source().isNone() ? null : s.spec().source().repo());
    model.put("image", s.spec().image());
    model.put("mountsReadOnly", target.access().mountsReadOnly());
    model.put("link", link);
    model.put("lifetime", words(visits.settings().lifetime()));
    model.put("idle", words(visits.settings().idleTimeout()));
  }

  private static String words(java.time.Duration d) {
    long m = d.toMinutes();
    return m % 60 == 0 ? (m / 60) + (m == 60 ? " hour" : " hours") : m + " minutes";
  }
}
