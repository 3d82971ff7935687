package org.berth.portal.web;

import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.views.ModelAndView;
import java.util.Map;

/** A page whose template fails while rendering, to test what the user then gets. */
@Controller("/test-only")
@Secured(SecurityRule.IS_ANONYMOUS)
class BrokenViewController {

  @Get(value = "/broken-view", produces = MediaType.TEXT_HTML)
  ModelAndView<Map<String, Object>> broken() {
    return new ModelAndView<>("broken", Map.of());
  }
}
