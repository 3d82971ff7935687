package org.berth.portal.web;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.core.io.Writable;
import io.micronaut.core.io.scan.ClassPathResourceLoader;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.server.util.locale.HttpLocaleResolver;
import io.micronaut.views.thymeleaf.ThymeleafViewsRenderer;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import org.thymeleaf.TemplateEngine;
import org.thymeleaf.templateresolver.AbstractConfigurableTemplateResolver;

/**
 * Renders a page completely before its response starts, so that a template error becomes a 500 page
 * instead of a response that never ends (the stock renderer writes while sending).
 */
@Singleton
@Replaces(ThymeleafViewsRenderer.class)
class EagerThymeleafViewsRenderer<T> extends ThymeleafViewsRenderer<T> {

  EagerThymeleafViewsRenderer(
      AbstractConfigurableTemplateResolver templateResolver,
      TemplateEngine templateEngine,
      ClassPathResourceLoader resourceLoader,
      HttpLocaleResolver httpLocaleResolver) {
    super(templateResolver, templateEngine, resourceLoader, httpLocaleResolver);
  }

  @Override
  public Writable render(String viewName, T data, HttpRequest<?> request) {
    StringWriter html = new StringWriter();
    try {
      super.render(viewName, data, request).writeTo(html);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String page = html.toString();
    return out -> out.write(page);
  }
}
