package org.berth.portal.auth;

/** How a request proved who it is. Only browser sessions carry ambient authority (a cookie). */
public enum Via {
  SESSION,
  TOKEN,
  PASSWORD
}
