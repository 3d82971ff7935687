package org.berth.portal.web;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.micronaut.security.authentication.AuthorizationException;
import io.micronaut.security.authentication.DefaultAuthorizationExceptionHandler;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;
import java.util.List;
import org.berth.builder.BuildException;
import org.berth.builder.NoSuchBuildException;
import org.berth.builder.NotYourBuildException;
import org.berth.builder.TooManyBuildsException;
import org.berth.builder.UnknownRefException;
import org.berth.launch.LaunchException;
import org.berth.portal.account.AccountException;
import org.berth.portal.account.AccountPendingException;
import org.berth.portal.account.SignInThrottledException;
import org.berth.portal.account.UserNameTakenException;
import org.berth.portal.auth.CsrfRejectedException;
import org.berth.portal.auth.TokenScopeRule;
import org.berth.sharing.SharingException;
import org.berth.volumes.VolumeException;

/**
 * Maps Berth's exceptions to HTTP in one place: JSON {@link ApiError} for {@code /api/}, pages for
 * the rest.
 */
final class ErrorHandlers {

  private ErrorHandlers() {}

  /** The body of every API error. */
  @Serdeable
  record ApiError(int status, String error) {

    static HttpResponse<ApiError> of(HttpStatus status, String message) {
      return HttpResponse.status(status).body(new ApiError(status.getCode(), message));
    }
  }

  /**
   * Not signed in: pages redirect to sign-in, the API answers 401 with a Bearer challenge. Signed
   * in but not allowed: 403.
   */
  @Produces
  @Singleton
  @Replaces(DefaultAuthorizationExceptionHandler.class)
  @Requires(classes = {AuthorizationException.class, ExceptionHandler.class})
  static class Authorization implements ExceptionHandler<AuthorizationException, HttpResponse<?>> {

    private final ErrorPage page;

    Authorization(ErrorPage page) {
      this.page = page;
    }

    @Override
    public HttpResponse<?> handle(HttpRequest request, AuthorizationException exception) {
      boolean anonymous = !exception.isForbidden();
      String scope = TokenScopeRule.refusal(exception.getAuthentication());
      if (Pages.isApi(request) || request.getPath().equals("/prometheus")) {
        return anonymous
            ? ApiError.of(HttpStatus.UNAUTHORIZED, "Sign in, or send a valid API token.")
                .toMutableResponse()
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"berth\"")
            : ApiError.of(HttpStatus.FORBIDDEN, scope != null ? scope : "You may not do this.");
      }
      return anonymous
          ? Pages.redirect(Pages.signInFor(request))
          : page.of(request, HttpStatus.FORBIDDEN, "You may not open this page.");
    }
  }

  @Produces
  @Singleton
  static class Csrf implements ExceptionHandler<CsrfRejectedException, HttpResponse<?>> {

    private final ErrorPage page;

    Csrf(ErrorPage page) {
      this.page = page;
    }

    @Override
    public HttpResponse<?> handle(HttpRequest request, CsrfRejectedException exception) {
      return Pages.isApi(request)
          ? ApiError.of(HttpStatus.FORBIDDEN, exception.getMessage())
          : page.of(request, HttpStatus.FORBIDDEN, exception.getMessage());
    }
  }

  /** Launch failures: the right status for each, with the message the exception gives. */
  @Produces
  @Singleton
  static class Launch implements ExceptionHandler<LaunchException, HttpResponse<?>> {

    private final ErrorPage page;

    Launch(ErrorPage page) {
      this.page = page;
    }

    @Override
    public HttpResponse<?> handle(HttpRequest request, LaunchException exception) {
      HttpStatus status = statusOf(exception);
      MutableHttpResponse<?> response;
      if (exception instanceof LaunchException.SpecChanged changed && Pages.isApi(request)) {
        response =
            HttpResponse.status(status)
                .body(
                    new SpecChangedError(
                        status.getCode(), changed.getMessage(), changed.changes()));
      } else {
        response =
            Pages.isApi(request)
                ? ApiError.of(status, exception.getMessage()).toMutableResponse()
                : page.of(request, status, exception.getMessage());
      }
      if (exception instanceof LaunchException.AtCapacity busy) {
        response.header(HttpHeaders.RETRY_AFTER, Long.toString(busy.retryAfter().toSeconds()));
      }
      return response;
    }

    static HttpStatus statusOf(LaunchException e) {
      if (e instanceof LaunchException.ServerNotFound) {
        return HttpStatus.NOT_FOUND;
      }
      if (e instanceof LaunchException.SpecChanged || e instanceof LaunchException.TooManyServers) {
        return HttpStatus.CONFLICT;
      }
      if (e instanceof LaunchException.AtCapacity) {
        return HttpStatus.TOO_MANY_REQUESTS;
      }
      if (e instanceof LaunchException.MountForbidden) {
        return HttpStatus.FORBIDDEN;
      }
      if (e instanceof LaunchException.ImageNotFound) {
        return HttpStatus.UNPROCESSABLE_ENTITY;
      }
      if (e instanceof LaunchException.EngineUnavailable) {
        return HttpStatus.SERVICE_UNAVAILABLE;
      }
      if (e instanceof LaunchException.NotReady) {
        return HttpStatus.BAD_GATEWAY;
      }
      return HttpStatus.BAD_REQUEST;
    }
  }

  /** Build failures: the status says which part failed. */
  @Produces
  @Singleton
  static class Build implements ExceptionHandler<BuildException, HttpResponse<?>> {

    private final ErrorPage page;

    Build(ErrorPage page) {
      this.page = page;
    }

    @Override
    public HttpResponse<?> handle(HttpRequest request, BuildException exception) {
      HttpStatus status = statusOf(exception);
      MutableHttpResponse<?> response =
          Pages.isApi(request)
              ? ApiError.of(status, exception.getMessage()).toMutableResponse()
              : page.of(request, status, exception.getMessage());
      if (exception instanceof TooManyBuildsException busy) {
        response.header(HttpHeaders.RETRY_AFTER, Long.toString(busy.retryAfter().toSeconds()));
      }
      return response;
    }

    static HttpStatus statusOf(BuildException e) {
      if (e instanceof TooManyBuildsException) {
        return HttpStatus.TOO_MANY_REQUESTS;
      }
      if (e instanceof UnknownRefException) {
        return HttpStatus.NOT_FOUND;
      }
      if (e instanceof NotYourBuildException) {
        return HttpStatus.FORBIDDEN;
      }
      return switch (e.failure()) {
        case REFUSED -> HttpStatus.BAD_REQUEST;
        case RECIPE -> HttpStatus.UNPROCESSABLE_ENTITY;
        case TIMEOUT -> HttpStatus.GATEWAY_TIMEOUT;
        case CANCELLED -> HttpStatus.CONFLICT;
        case GIT, NETWORK -> HttpStatus.BAD_GATEWAY;
        default -> HttpStatus.SERVICE_UNAVAILABLE;
      };
    }
  }

  @Produces
  @Singleton
  static class NoSuchBuild implements ExceptionHandler<NoSuchBuildException, HttpResponse<?>> {

    private final ErrorPage page;

    NoSuchBuild(ErrorPage page) {
      this.page = page;
    }

    @Override
    public HttpResponse<?> handle(HttpRequest request, NoSuchBuildException exception) {
      return Pages.isApi(request)
          ? ApiError.of(HttpStatus.NOT_FOUND, exception.getMessage())
          : page.of(request, HttpStatus.NOT_FOUND, exception.getMessage());
    }
  }

  /** A 409 for a changed spec lists what would change. */
  @Serdeable
  record SpecChangedError(int status, String error, List<String> changes) {}

  @Produces
  @Singleton
  static class Account implements ExceptionHandler<AccountException, HttpResponse<?>> {

    private final ErrorPage page;

    Account(ErrorPage page) {
      this.page = page;
    }

    @Override
    public HttpResponse<?> handle(HttpRequest request, AccountException exception) {
      HttpStatus status = statusOf(exception);
      MutableHttpResponse<?> response =
          Pages.isApi(request)
              ? ApiError.of(status, exception.getMessage()).toMutableResponse()
              : page.of(request, status, exception.getMessage());
      if (exception instanceof SignInThrottledException wait) {
        response.header(HttpHeaders.RETRY_AFTER, Long.toString(wait.retryAfterSeconds()));
      }
      return response;
    }

    static HttpStatus statusOf(AccountException exception) {
      if (exception instanceof UserNameTakenException) {
        return HttpStatus.CONFLICT;
      }
      if (exception instanceof SignInThrottledException) {
        return HttpStatus.TOO_MANY_REQUESTS;
      }
      if (exception instanceof AccountPendingException) {
        return HttpStatus.FORBIDDEN;
      }
      return HttpStatus.BAD_REQUEST;
    }
  }

  /** A user name that breaks the rule, met outside the account forms (in a URL, say). */
  @Produces
  @Singleton
  static class InvalidUserName
      implements ExceptionHandler<org.berth.launch.InvalidUserNameException, HttpResponse<?>> {

    private final ErrorPage page;

    InvalidUserName(ErrorPage page) {
      this.page = page;
    }

    @Override
    public HttpResponse<?> handle(
        HttpRequest request, org.berth.launch.InvalidUserNameException exception) {
      return Pages.isApi(request)
          ? ApiError.of(HttpStatus.BAD_REQUEST, exception.getMessage())
          : page.of(request, HttpStatus.BAD_REQUEST, exception.getMessage());
    }
  }

  /** Volume failures: the status says what went wrong. */
  @Produces
  @Singleton
  static class Volume implements ExceptionHandler<VolumeException, HttpResponse<?>> {

    private final ErrorPage page;

    Volume(ErrorPage page) {
      this.page = page;
    }

    @Override
    public HttpResponse<?> handle(HttpRequest request, VolumeException exception) {
      HttpStatus status = statusOf(exception);
      return Pages.isApi(request)
          ? ApiError.of(status, exception.getMessage())
          : page.of(request, status, exception.getMessage());
    }

    static HttpStatus statusOf(VolumeException e) {
      if (e instanceof VolumeException.NotFound) {
        return HttpStatus.NOT_FOUND;
      }
      if (e instanceof VolumeException.Forbidden) {
        return HttpStatus.FORBIDDEN;
      }
      if (e instanceof VolumeException.Exists
          || e instanceof VolumeException.InUse
          || e instanceof VolumeException.QuotaExceeded) {
        return HttpStatus.CONFLICT;
      }
      if (e instanceof VolumeException.Backend) {
        return HttpStatus.SERVICE_UNAVAILABLE;
      }
      return HttpStatus.BAD_REQUEST;
    }
  }

  /** Sharing failures: the status says what went wrong; a busy visit says when to come back. */
  @Produces
  @Singleton
  static class Sharing implements ExceptionHandler<SharingException, HttpResponse<?>> {

    private final ErrorPage page;

    Sharing(ErrorPage page) {
      this.page = page;
    }

    @Override
    public HttpResponse<?> handle(HttpRequest request, SharingException exception) {
      HttpStatus status =
          exception instanceof SharingException.NotFound
              ? HttpStatus.NOT_FOUND
              : exception instanceof SharingException.Gone
                  ? HttpStatus.GONE
                  : exception instanceof SharingException.Forbidden
                      ? HttpStatus.FORBIDDEN
                      : exception instanceof SharingException.Busy
                          ? HttpStatus.TOO_MANY_REQUESTS
                          : HttpStatus.BAD_REQUEST;
      MutableHttpResponse<?> response =
          Pages.isApi(request)
              ? ApiError.of(status, exception.getMessage()).toMutableResponse()
              : page.of(request, status, exception.getMessage());
      if (exception instanceof SharingException.Busy busy) {
        response.header(HttpHeaders.RETRY_AFTER, Long.toString(busy.retryAfter().toSeconds()));
      }
      return response;
    }
  }
}
