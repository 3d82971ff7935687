package org.berth.portal.web;

import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.swagger.v3.oas.annotations.Hidden;
import org.berth.portal.auth.CurrentUser;

/** The home page with the launch form, and the list of the user's servers. */
@Hidden
@Controller
@Secured(SecurityRule.IS_AUTHENTICATED)
class HomeController {

  @Get(value = "/", produces = MediaType.TEXT_HTML)
  MutableHttpResponse<?> home(Authentication authentication) {
    return Pages.page(HttpStatus.OK, "home", Pages.model(CurrentUser.of(authentication)));
  }

  @Get(value = "/servers", produces = MediaType.TEXT_HTML)
  MutableHttpResponse<?> servers(Authentication authentication) {
    return Pages.page(HttpStatus.OK, "servers", Pages.model(CurrentUser.of(authentication)));
  }
}
