package org.berth.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real Keycloak that {@code deploy/local/setup.sh --for-tests} started from its distribution
 * with {@code deploy/keycloak}'s realm, and the few admin REST calls the journeys make. Fails
 * loudly when the environment does not name it or it does not answer.
 */
final class KeycloakRealm {

  static final String CLIENT_SECRET = "berth-development-secret";
  static final String PASSWORD = "berth-demo";

  private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");
  private static final Pattern TOKEN = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");

  final String url;
  private final String adminUser;
  private final String adminPassword;
  private final HttpClient http = HttpClient.newHttpClient();

  private KeycloakRealm() {
    url = required("BERTH_KEYCLOAK_URL").replaceAll("/+$", "");
    adminUser = required("BERTH_KEYCLOAK_ADMIN_USER");
    adminPassword = required("BERTH_KEYCLOAK_ADMIN_PASSWORD");
  }

  static KeycloakRealm local() {
    KeycloakRealm k = new KeycloakRealm();
    try {
      int code =
          k.http
              .send(
                  HttpRequest.newBuilder(
                          URI.create(k.issuer() + "/.well-known/openid-configuration"))
                      .build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode();
      if (code != 200) {
        throw new IllegalStateException("Keycloak's realm berth answered HTTP " + code);
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "Keycloak does not answer at " + k.url + ": deploy/local/test.sh starts it (" + e + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return k;
  }

  String issuer() {
    return url + "/realms/berth";
  }

  /** The environment that points a Berth at this Keycloak. */
  BerthProcess configure(BerthProcess portal) {
    return portal
        .withEnv("BERTH_OIDC_ENABLED", "true")
        .withEnv("BERTH_OIDC_ISSUER", issuer())
        .withEnv("BERTH_OIDC_CLIENT_SECRET", CLIENT_SECRET);
  }

  /** A new user with the demo password, in groups given by their full paths. */
  void createUser(String username, String... groups) {
    StringBuilder g = new StringBuilder();
    for (String group : groups) {
      g.append(g.length() == 0 ? "" : ",").append('"').append(group).append('"');
    }
    admin(
        "POST",
        "/users",
        "{\"username\":\""
            + username
            + "\",\"enabled\":true,\"email\":\""
            + username
            + "@berth.localhost\",\"emailVerified\":true,\"firstName\":\"Test\",\"lastName\":\""
            + username
            + "\",\"groups\":["
            + g
            + "],\"credentials\":[{\"type\":\"password\",\"value\":\""
            + PASSWORD
            + "\",\"temporary\":false}]}");
  }

  /** Adds a user to a group, given by its full path (such as {@code /labs/genomics}). */
  void addToGroup(String username, String groupPath) {
    String user = firstId(admin("GET", "/users?exact=true&username=" + encode(username), null));
    String group = firstId(admin("GET", "/group-by-path" + groupPath, null));
    admin("PUT", "/users/" + user + "/groups/" + group, null);
  }

  private String admin(String method, String path, String json) {
    try {
      String form =
          "grant_type=password&client_id=admin-cli&username="
              + encode(adminUser)
              + "&password="
              + encode(adminPassword);
      String tokenBody =
          http.send(
                  HttpRequest.newBuilder(
                          URI.create(url + "/realms/master/protocol/openid-connect/token"))
                      .header("Content-Type", "application/x-www-form-urlencoded")
                      .POST(HttpRequest.BodyPublishers.ofString(form))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      Matcher t = TOKEN.matcher(tokenBody);
      if (!t.find()) {
        throw new IllegalStateException("Keycloak refused its admin");
      }
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(url + "/admin/realms/berth" + path))
                  .header("Authorization", "Bearer " + t.group(1))
                  .header("Content-Type", "application/json")
                  .method(
                      method,
                      json == null
                          ? HttpRequest.BodyPublishers.noBody()
                          : HttpRequest.BodyPublishers.ofString(json))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() >= 300) {
        throw new IllegalStateException(
            method + " " + path + ": " + r.statusCode() + " " + r.body());
      }
      return r.body();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String firstId(String json) {
    Matcher m = ID.matcher(json);
    if (!m.find()) {
      throw new IllegalStateException("no id in " + json);
    }
    return m.group(1);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String required(String name) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(
          name
              + " is not set: run the journeys through deploy/local/test.sh, which starts Keycloak.");
    }
    return value;
  }
}
