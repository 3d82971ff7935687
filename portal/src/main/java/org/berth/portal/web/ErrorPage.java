package org.berth.portal.web;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Berth's error page, rendered to HTML at once. Error responses made outside a route (no page at an
 * address, a refusal by the security filter) do not pass the filter that renders pages for routes,
 * so the exception handlers and {@link ErrorResponses} render it themselves.
 */
@Singleton
final class ErrorPage {

  private final EagerThymeleafViewsRenderer<Map<String, Object>> views;

  ErrorPage(EagerThymeleafViewsRenderer<Map<String, Object>> views) {
    this.views = views;
  }

  /** The error page for whoever sent {@code request}. */
  MutableHttpResponse<String> of(HttpRequest<?> request, HttpStatus status, String message) {
    return into(HttpResponse.status(status), request, status, message);
  }

  /** {@code response} (its status and headers kept) with the error page as its body. */
  MutableHttpResponse<String> into(
      MutableHttpResponse<?> response, HttpRequest<?> request, HttpStatus status, String message) {
    Map<String, Object> model = Pages.errorModel(status, message, Pages.userOf(request));
    StringWriter html = new StringWriter();
    try {
      views.render("error", model, request).writeTo(html);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return response.contentType(MediaType.TEXT_HTML + ";charset=utf-8").body(html.toString());
  }
}
