package org.berth.portal.web;

import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;

/**
 * The errors the framework answers itself: no page at an address, a method a path does not take, a
 * request it cannot read, a failure nobody expected. Browsers get Berth's error page, API clients
 * {@link ErrorHandlers.ApiError} JSON, as for Berth's own exceptions (see {@link ErrorHandlers}).
 * Messages are Berth's, never the framework's or an exception's, on pages; the API keeps the
 * framework's words for a bad request (they name the parameter) but not for a failure.
 */
@Singleton
final class ErrorResponses implements ErrorResponseProcessor<Object> {

  private final ErrorPage page;

  ErrorResponses(ErrorPage page) {
    this.page = page;
  }

  @Override
  @SuppressWarnings("unchecked")
  public MutableHttpResponse<Object> processResponse(
      ErrorContext context, MutableHttpResponse<?> response) {
    HttpRequest<?> request = context.getRequest();
    HttpStatus status = response.status();
    if (request.getMethod() == HttpMethod.HEAD) {
      return (MutableHttpResponse<Object>) response;
    }
    if (Pages.isApi(request)) {
      return response
          .contentType(MediaType.APPLICATION_JSON_TYPE)
          .body(new ErrorHandlers.ApiError(status.getCode(), apiMessage(status, context)));
    }
    return (MutableHttpResponse<Object>)
        (MutableHttpResponse<?>) page.into(response, request, status, pageMessage(status));
  }

  static String pageMessage(HttpStatus status) {
    return switch (status.getCode()) {
      case 404 ->
          "There is no page at this address. Check it for typing mistakes, or start again from"
              + " your servers.";
      case 405 ->
          "This address does not take that kind of request. Use the buttons and links on Berth's"
              + " pages.";
      case 413 -> "What you sent is larger than Berth accepts.";
      default ->
          status.getCode() >= 500
              ? "Something went wrong inside Berth. Try again in a moment; if it keeps happening,"
                  + " tell the administrator of this Berth."
              : "Berth could not read this request. Go back and try again from Berth's pages.";
    };
  }

  private static String apiMessage(HttpStatus status, ErrorContext context) {
    if (status.getCode() >= 500) {
      return "Something went wrong inside Berth.";
    }
    return context.getErrors().stream()
        .map(Error::getMessage)
        .findFirst()
        .orElse(status.getReason());
  }
}
