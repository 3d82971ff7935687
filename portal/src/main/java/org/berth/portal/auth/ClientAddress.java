package org.berth.portal.auth;

import io.micronaut.http.HttpRequest;
import jakarta.inject.Singleton;

/**
 * Where a request comes from, for counting sign-in failures per address. Micronaut's own resolver
 * believes any {@code Forwarded} or {@code X-Forwarded-For} header a client sends; this one reads
 * only the header the operator names ({@code berth.http.client-address-header}), and only its last
 * entry, the one the front end itself added.
 */
@Singleton
public class ClientAddress {

  private final String header;

  ClientAddress(HttpSettings http) {
    String h = http.getClientAddressHeader();
    this.header = h == null || h.isBlank() ? null : h.strip();
  }

  /** The client's address as text. */
  public String of(HttpRequest<?> request) {
    if (header != null) {
      String value = request.getHeaders().get(header);
      if (value != null && !value.isBlank()) {
        String[] hops = value.split(",");
        return hops[hops.length - 1].strip();
      }
    }
    return request.getRemoteAddress().getAddress().getHostAddress();
  }
}
