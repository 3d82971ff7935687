package org.berth.portal.auth;

/** A state-changing request without a valid CSRF token. */
public class CsrfRejectedException extends RuntimeException {

  public CsrfRejectedException() {
    super("This form has expired or was sent from another site. Reload the page and try again.");
  }
}
