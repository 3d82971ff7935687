package org.berth.portal.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.berth.builder.BuildException;
import org.berth.builder.UnknownRefException;
import org.berth.launch.LaunchException;
import org.berth.launch.MountSpec;
import org.berth.launch.ServerSpec;
import org.berth.portal.servers.ServerView;

/**
 * The launch form as the page names its fields: reading a posted form into a launch request,
 * putting each refusal next to the field it is about, and carrying the values to another page and
 * back (so that nothing the user typed is lost).
 */
final class LaunchForm {

  /** Mount rows the form offers. */
  static final int MOUNT_ROWS = 3;

  /** The parts of a mount row, each a field {@code mount-<part>-<row>}. */
  static final List<String> MOUNT_PARTS = List.of("target", "volume", "mode", "subPath");

  /** The fields of a launch, in the form's order. */
  static final List<String> FIELDS = fields();

  private static List<String> fields() {
    List<String> fields =
        new java.util.ArrayList<>(
            List.of(
                "repo",
                "ref",
                "name",
                "path",
                "memory",
                "cpus",
                "idleTimeout",
                "cullingDisabled",
                "image",
                "credentials",
                "credentialsConfirmed",
                "urlPath"));
    for (int row = 0; row < MOUNT_ROWS; row++) {
      for (String part : MOUNT_PARTS) {
        fields.add("mount-" + part + "-" + row);
      }
    }
    return List.copyOf(fields);
  }

  /** Fields of features set elsewhere: who else may use a server is set on its own page. */
  private static final Map<String, String> ELSEWHERE =
      Map.of("collaborators", "collaborators", "public", "public access");

  private LaunchForm() {}

  /** The launch fields of a posted form or a query (others dropped: the CSRF token, say). */
  static Map<String, String> values(Map<String, String> form) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String field : FIELDS) {
      String value = form.get(field);
      if (value != null && !value.isBlank()) {
        values.put(field, value);
      }
    }
    return values;
  }

  /** The form's values as a query string for the launch page ({@code ?repo=...}), or empty. */
  static String query(Map<String, String> form) {
    Map<String, String> values = values(form);
    if (values.isEmpty()) {
      return "";
    }
    return values.entrySet().stream()
        .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
        .collect(Collectors.joining("&", "?", ""));
  }

  /** The form that launches {@code server} exactly as it is saved. */
  static Map<String, String> of(ServerView server) {
    Map<String, String> form = new LinkedHashMap<>();
    if (server.repo() != null) {
      form.put("repo", server.repo());
      form.put("ref", server.ref());
    } else {
      form.put("image", server.image());
    }
    form.put("name", server.name());
    form.put("memory", (server.memoryBytes() >> 20) + "M");
    form.put("cpus", ServerRow.number(server.cpus()));
    form.put(
        "idleTimeout", ServerSpec.words(java.time.Duration.ofSeconds(server.idleTimeoutSeconds())));
    if (server.cullingDisabled()) {
      form.put("cullingDisabled", "true");
    }
    for (int row = 0; row < Math.min(MOUNT_ROWS, server.mounts().size()); row++) {
      ServerView.MountView m = server.mounts().get(row);
      form.put("mount-target-" + row, m.target());
      form.put("mount-volume-" + row, m.volume());
      form.put("mount-mode-" + row, m.mode());
      if (!m.subPath().isEmpty()) {
        form.put("mount-subPath-" + row, m.subPath());
      }
    }
    return form;
  }

  /**
   * The request a form asks for; a value that cannot even be read (CPUs that are not a number) goes
   * into {@code errors} by field.
   */
  static ServerSpec.Request request(Map<String, String> form, Map<String, String> errors) {
    return new ServerSpec.Request(
            form.get("image"),
            form.get("repo"),
            form.get("ref"),
            form.get("memory"),
            cpus(form.get("cpus"), errors),
            form.get("idleTimeout"),
            form.get("path"),
            "true".equals(form.get("cullingDisabled")))
        .withMounts(mounts(form, errors));
  }

  /**
   * The mounts of the form's mount rows (a row with neither a mount point nor a volume is empty); a
   * row that cannot be a mount puts its reason into {@code errors} as {@code mount-<row>}.
   */
  static List<MountSpec> mounts(Map<String, String> form, Map<String, String> errors) {
    List<MountSpec> mounts = new java.util.ArrayList<>();
    for (int row = 0; row < MOUNT_ROWS; row++) {
      String target = form.get("mount-target-" + row);
      String volume = form.get("mount-volume-" + row);
      if (blank(target) && blank(volume)) {
        continue;
      }
      try {
        mounts.add(
            new MountSpec(
                target,
                volume,
                "ro".equals(form.get("mount-mode-" + row)),
                form.get("mount-subPath-" + row),
                MountSpec.Seed.NONE));
      } catch (LaunchException e) {
        errors.put("mount-" + row, e.getMessage());
      }
    }
    return mounts;
  }

  /**
   * What the form asks for that a launch would otherwise ignore: a repository and an image at once,
   * a ref without a repository. Each goes into {@code errors} by field.
   */
  static void checkSource(Map<String, String> form, Map<String, String> errors) {
    boolean repo = !blank(form.get("repo"));
    if (repo && !blank(form.get("image"))) {
      errors.put(
          "image",
          "Give a repository or an image, not both: Berth builds the repository's own image."
              + " Clear this field to launch the repository.");
    }
    String ref = form.get("ref");
    if (!repo && !blank(ref) && !ref.strip().equals("HEAD")) {
      errors.put("ref", "A ref picks a version of a repository: give the repository too.");
    }
  }

  /**
   * Fields of settings made on a server's own page (collaborators, public access) that carry a
   * value (from an old form or a hand-made link), named in a sentence; empty when there are none.
   * Such a launch is refused, never run without them.
   */
  static String setElsewhere(Map<String, String> form) {
    List<String> elsewhere =
        ELSEWHERE.entrySet().stream()
            .filter(e -> !blank(form.get(e.getKey())) && !"false".equals(form.get(e.getKey())))
            .map(Map.Entry::getValue)
            .sorted()
            .toList();
    if (elsewhere.isEmpty()) {
      return "";
    }
    return "Nothing was launched: "
        + String.join(" and ", elsewhere)
        + " are set on a server's own page once it is launched, not in this form.";
  }

  /** The form field a setting of the servers domain is entered in. */
  static String field(ServerSpec.Setting setting) {
    return switch (setting) {
      case NAME -> "name";
      case REPOSITORY -> "repo";
      case REF -> "ref";
      case IMAGE -> "image";
      case MEMORY -> "memory";
      case CPUS -> "cpus";
      case IDLE_TIMEOUT -> "idleTimeout";
      case PATH -> "path";
    };
  }

  /** The field a launch refusal is about, or null when it is about the launch as a whole. */
  static String fieldOf(LaunchException e, Map<String, String> form) {
    if (e instanceof LaunchException.InvalidServerName) {
      return "name";
    }
    if (e instanceof LaunchException.InvalidPath) {
      return "path";
    }
    if (e instanceof LaunchException.InvalidMount || e instanceof LaunchException.MountForbidden) {
      return "mounts";
    }
    if ((e instanceof LaunchException.ImageNotAllowed || e instanceof LaunchException.ImageNotFound)
        && !blank(form.get("image"))) {
      return "image";
    }
    return null;
  }

  /** The field a build refusal is about, or null when the build failed for another reason. */
  static String fieldOf(BuildException e) {
    if (e instanceof UnknownRefException) {
      return "ref";
    }
    return switch (e.failure()) {
      case REFUSED, GIT, NETWORK -> "repo";
      default -> null;
    };
  }

  private static Double cpus(String text, Map<String, String> errors) {
    if (blank(text)) {
      return null;
    }
    try {
      return Double.parseDouble(text.strip());
    } catch (NumberFormatException e) {
      errors.put("cpus", "CPUs '" + text + "' is not a number; write it like 1 or 0.5.");
      return null;
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
