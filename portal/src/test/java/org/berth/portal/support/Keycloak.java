package org.berth.portal.support;

import io.micronaut.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The real Keycloak that {@code deploy/local/setup.sh --for-tests} started (from its distribution,
 * with {@code deploy/keycloak}'s realm): its addresses, its admin REST API for what tests change
 * (users, groups, roles, clients), and its login page as a browser fills it in. Fails loudly when
 * the environment does not name it or it does not answer.
 */
public final class Keycloak {

  /** The secret of the realm's {@code berth} client (a development secret). */
  public static final String BERTH_SECRET = "berth-development-secret";

  public static final String PASSWORD = "berth-demo";

  private static final Pattern FORM_ACTION =
      Pattern.compile("<form[^>]*id=\"kc-form-login\"[^>]*action=\"([^\"]+)\"");

  private final String url;
  private final String realm;
  private final String adminUser;
  private final String adminPassword;
  private final HttpClient http = HttpClient.newHttpClient();
  private final JsonMapper json = JsonMapper.createDefault();

  private Keycloak() {
    this.url = required("BERTH_KEYCLOAK_URL").replaceAll("/+$", "");
    this.realm = System.getenv().getOrDefault("BERTH_KEYCLOAK_REALM", "berth");
    this.adminUser = required("BERTH_KEYCLOAK_ADMIN_USER");
    this.adminPassword = required("BERTH_KEYCLOAK_ADMIN_PASSWORD");
  }

  /** The Keycloak of this machine's test stack; fails when it is missing or does not answer. */
  public static Keycloak local() {
    Keycloak k = new Keycloak();
    try {
      HttpResponse<String> r =
          k.http.send(
              HttpRequest.newBuilder(URI.create(k.issuer() + "/.well-known/openid-configuration"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException(
            "Keycloak at " + k.url + " answered HTTP " + r.statusCode() + " for realm " + k.realm);
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "Keycloak does not answer at "
              + k.url
              + ": run the tests through deploy/local/test.sh, which starts it ("
              + e
              + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return k;
  }

  public String url() {
    return url;
  }

  public String issuer() {
    return url + "/realms/" + realm;
  }

  /** Properties that point a Berth at this Keycloak's {@code berth} client. */
  public Map<String, String> berthProperties() {
    Map<String, String> p = new HashMap<>();
    p.put("berth.oidc.enabled", "true");
    p.put("berth.oidc.issuer", issuer());
    p.put("berth.oidc.client-id", "berth");
    p.put("berth.oidc.client-secret", BERTH_SECRET);
    return p;
  }

  // ---- the admin REST API ----

  private String adminToken() {
    HttpResponse<String> r =
        post(
            url + "/realms/master/protocol/openid-connect/token",
            Map.of(
                "grant_type",
                "password",
                "client_id",
                "admin-cli",
                "username",
                adminUser,
                "password",
                adminPassword),
            Map.of());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("Keycloak refused its admin: " + r.statusCode());
    }
    return (String) map(r.body()).get("access_token");
  }

  private HttpResponse<String> admin(String method, String path, Object body) {
    try {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(url + "/admin/realms/" + realm + path))
              .header("Authorization", "Bearer " + adminToken())
              .header("Content-Type", "application/json")
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() >= 300) {
        throw new IllegalStateException(
            method + " " + path + " answered " + r.statusCode() + ": " + r.body());
      }
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Makes a user with the demo password, in these groups (full paths such as /students). */
  public String createUser(String username, String... groups) {
    Map<String, Object> user = new LinkedHashMap<>();
    user.put("username", username);
    user.put("enabled", true);
    user.put("email", username + "-" + System.nanoTime() + "@berth.localhost");
    user.put("emailVerified", true);
    user.put("firstName", "Test");
    user.put("lastName", username);
    user.put("groups", List.of(groups));
    user.put(
        "credentials", List.of(Map.of("type", "password", "value", PASSWORD, "temporary", false)));
    admin("POST", "/users", user);
    return userId(username);
  }

  public String userId(String username) {
    List<Map<String, Object>> found =
        list(admin("GET", "/users?exact=true&username=" + encode(username), null).body());
    if (found.isEmpty()) {
      throw new IllegalStateException("Keycloak has no user " + username);
    }
    return (String) found.get(0).get("id");
  }

  /**
   * Renames a user, as a realm that lets names be edited allows (the realm allows it only for this
   * moment: a user who may rename themselves is the case Berth must withstand).
   */
  public synchronized void renameUser(String username, String newName) {
    admin("PUT", "", Map.of("editUsernameAllowed", true));
    try {
      admin("PUT", "/users/" + userId(username), Map.of("username", newName));
    } finally {
      admin("PUT", "", Map.of("editUsernameAllowed", false));
    }
  }

  public void deleteUser(String username) {
    admin("DELETE", "/users/" + userId(username), null);
  }

  /** Adds the user to a group given by its full path, such as {@code /courses/physics-101}. */
  public void addToGroup(String username, String groupPath) {
    String groupId =
        (String) map(admin("GET", "/group-by-path" + groupPath, null).body()).get("id");
    admin("PUT", "/users/" + userId(username) + "/groups/" + groupId, null);
  }

  public void grantRealmRole(String username, String role) {
    Map<String, Object> r = map(admin("GET", "/roles/" + encode(role), null).body());
    admin("POST", "/users/" + userId(username) + "/role-mappings/realm", List.of(r));
  }

  public void revokeRealmRole(String username, String role) {
    Map<String, Object> r = map(admin("GET", "/roles/" + encode(role), null).body());
    admin("DELETE", "/users/" + userId(username) + "/role-mappings/realm", List.of(r));
  }

  /** Makes a client (replacing one of that id); returns its id. */
  public void createClient(Map<String, Object> client) {
    String clientId = (String) client.get("clientId");
    for (Map<String, Object> c :
        list(admin("GET", "/clients?clientId=" + encode(clientId), null).body())) {
      admin("DELETE", "/clients/" + c.get("id"), null);
    }
    admin("POST", "/clients", client);
  }

  /** The users' active sessions at Keycloak. */
  public int sessionsOf(String username) {
    return list(admin("GET", "/users/" + userId(username) + "/sessions", null).body()).size();
  }

  /** Tokens from the direct grant of a client that allows it (for tests of other audiences). */
  public Map<String, Object> passwordGrant(String clientId, String username) {
    return passwordGrant(issuer(), clientId, username);
  }

  /** As {@link #passwordGrant(String, String)}, asking Keycloak at another address. */
  public Map<String, Object> passwordGrant(String issuer, String clientId, String username) {
    HttpResponse<String> r =
        post(
            issuer + "/protocol/openid-connect/token",
            Map.of(
                "grant_type", "password",
                "client_id", clientId,
                "scope", "openid",
                "username", username,
                "password", PASSWORD),
            Map.of());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("The password grant failed: " + r.body());
    }
    return map(r.body());
  }

  // ---- the login page, as a browser fills it in ----

  /**
   * Signs in to Berth through Keycloak's own login page: starts at Berth's {@code
   * /oauth/login/keycloak}, posts the user's name and password to Keycloak's form, and follows the
   * redirect back to Berth's callback. Answers Berth's answer to the callback.
   */
  public HttpResponse<String> signIn(Browserless browser, String username) {
    HttpResponse<String> atKeycloak = toKeycloak(browser);
    return finish(browser, atKeycloak, username);
  }

  /** Starts a sign-in at Berth and follows it to Keycloak's answer (its login page, or SSO). */
  public HttpResponse<String> toKeycloak(Browserless browser) {
    HttpResponse<String> start = browser.get("/oauth/login/keycloak");
    if (start.statusCode() != 302 && start.statusCode() != 303) {
      throw new AssertionError(
          "Berth did not send the browser to Keycloak: "
              + start.statusCode()
              + "\n"
              + start.body());
    }
    return browser.get(start.headers().firstValue("Location").orElseThrow());
  }

  /** Fills in Keycloak's login page and follows the way back to Berth's callback. */
  public HttpResponse<String> finish(
      Browserless browser, HttpResponse<String> loginPage, String username) {
    String callback;
    if (loginPage.statusCode() == 302) {
      callback = loginPage.headers().firstValue("Location").orElseThrow(); // a live session: SSO
    } else {
      Matcher m = FORM_ACTION.matcher(loginPage.body());
      if (!m.find()) {
        throw new AssertionError("Keycloak's page has no login form:\n" + loginPage.body());
      }
      String action = m.group(1).replace("&amp;", "&");
      HttpResponse<String> posted =
          browser.postForm(action, Map.of("username", username, "password", PASSWORD));
      if (posted.statusCode() != 302) {
        throw new AssertionError(
            "Keycloak did not accept "
                + username
                + ": "
                + posted.statusCode()
                + "\n"
                + posted.body());
      }
      callback = posted.headers().firstValue("Location").orElseThrow();
    }
    lastCallback = callback;
    return browser.get(callback);
  }

  private volatile String lastCallback;

  /** The callback address of the latest sign-in (code and state included), to send it again. */
  public String lastCallback() {
    return lastCallback;
  }

  // ---- plumbing ----

  private HttpResponse<String> post(
      String address, Map<String, String> form, Map<String, String> headers) {
    String body =
        form.entrySet().stream()
            .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
            .collect(Collectors.joining("&"));
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(address))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> map(String body) {
    try {
      return json.readValue(body, Map.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private List<Map<String, Object>> list(String body) {
    try {
      return new ArrayList<>(json.readValue(body, List.class));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String required(String name) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(
          name + " is not set: run the tests through deploy/local/test.sh, which starts Keycloak.");
    }
    return value;
  }
}
