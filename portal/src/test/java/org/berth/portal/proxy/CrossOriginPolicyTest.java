package org.berth.portal.proxy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

/** What a server's origin accepts from other sites. */
class CrossOriginPolicyTest {

  private static final String OWN = "http://b0b.berth.localhost:8081";
  private static final String NEIGHBOUR = "http://a11ce.berth.localhost:8081";

  @Test
  void aPostFromAnotherServersOriginIsRefused() {
    assertTrue(refused(request("POST", NEIGHBOUR, "same-site", "cors")));
    assertTrue(refused(request("POST", NEIGHBOUR, null, null)), "browsers without fetch metadata");
    assertTrue(refused(request("DELETE", "null", null, null)), "sandboxed pages send null");
    assertTrue(refused(request("PUT", "https://evil.example", "cross-site", "no-cors")));
  }

  @Test
  void aStateChangeFromAnotherSiteIsRefusedEvenWithoutAnOrigin() {
    assertTrue(refused(request("POST", null, "same-site", "no-cors")));
    assertTrue(refused(request("POST", null, "cross-site", "navigate")), "a form posted elsewhere");
  }

  @Test
  void aWebSocketFromAnotherOriginIsRefused() {
    HttpRequest ws = request("GET", NEIGHBOUR, "same-site", "websocket");
    ws.headers().set("Upgrade", "websocket");
    assertTrue(refused(ws));
    HttpRequest noMetadata = request("GET", NEIGHBOUR, null, null);
    noMetadata.headers().set("Upgrade", "websocket");
    assertTrue(refused(noMetadata));
    HttpRequest bare = request("GET", null, "cross-site", "websocket");
    bare.headers().set("Upgrade", "websocket");
    assertTrue(refused(bare));
  }

  @Test
  void theServersOwnPagesMayDoAnything() {
    assertFalse(refused(request("POST", OWN, "same-origin", "cors")));
    assertFalse(refused(request("POST", OWN.toUpperCase(), null, null)));
    HttpRequest ws = request("GET", OWN, "same-origin", "websocket");
    ws.headers().set("Upgrade", "websocket");
    assertFalse(refused(ws));
  }

  @Test
  void scriptsWithoutBrowserHeadersGoOnToTheAccessCheck() {
    assertFalse(refused(request("POST", null, null, null)));
    assertFalse(refused(request("GET", null, null, null)));
  }

  @Test
  void linksFromElsewhereStillOpenTheServerButEmbeddingAndFetchingDoNot() {
    assertFalse(refused(request("GET", null, "cross-site", "navigate")), "the hand-off link");
    assertFalse(refused(request("GET", null, "none", "navigate")), "a typed address");
    assertTrue(refused(request("GET", null, "same-site", "no-cors")), "an <img> or <script>");
    assertTrue(refused(request("GET", NEIGHBOUR, "same-site", "cors")), "a fetch");
  }

  private static boolean refused(HttpRequest request) {
    return CrossOriginPolicy.refusal(request, OWN).isPresent();
  }

  private static HttpRequest request(String method, String origin, String site, String mode) {
    HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(method), "/x");
    if (origin != null) {
      r.headers().set("Origin", origin);
    }
    if (site != null) {
      r.headers().set("Sec-Fetch-Site", site);
    }
    if (mode != null) {
      r.headers().set("Sec-Fetch-Mode", mode);
    }
    return r;
  }
}
