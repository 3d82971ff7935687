package org.berth.sharing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.berth.launch.MountSpec;

/**
 * The security confirmation: what will run, what it can touch, who else has access, and what a
 * malicious repository could do with all that, in plain words, before anything starts. {@link
 * #permissionsHash()} names the permissions asked for; a user's "don't ask again" holds for that
 * hash only, so that any new mount, writable mode, credentials or collaborator asks again.
 */
public record Confirmation(
    String repo,
    String ref,
    List<String> mounts,
    boolean credentials,
    List<String> collaborators,
    boolean publicAccess,
    List<String> risks,
    String permissionsHash) {

  /**
   * The confirmation of a launch.
   *
   * @param mounts the mounts asked for (the owner's home is always mounted read-write)
   * @param collaborators who else may reach the server, as written
   */
  public static Confirmation of(
      String repo,
      String ref,
      List<MountSpec> mounts,
      boolean credentials,
      List<String> collaborators,
      boolean publicAccess) {
    List<String> described = new ArrayList<>();
    described.add("/home/jovyan ← your home (read-write)");
    mounts.forEach(m -> described.add(m.describe()));
    List<String> writable = new ArrayList<>();
    writable.add("your home");
    List<String> readable = new ArrayList<>();
    for (MountSpec m : mounts) {
      (m.readOnly() ? readable : writable).add(m.volume() + " at " + m.target());
    }
    List<String> risks = new ArrayList<>();
    risks.add("The repository's code runs as you inside the server, with everything listed here.");
    risks.add(
        "It can read, change and delete every file in "
            + String.join(", ", writable)
            + (readable.isEmpty() ? "." : ", and read " + String.join(", ", readable) + "."));
    risks.add(
        "It can use the network to send what it reads elsewhere. It cannot reach other servers"
            + " on this Berth.");
    if (credentials) {
      risks.add(
          "It can use your sign-in token to call your institution's services as you, until the"
              + " token expires.");
    }
    if (!collaborators.isEmpty()) {
      risks.add(
          String.join(", ", collaborators)
              + " can also open this server and act as you inside it.");
    }
    if (publicAccess) {
      risks.add(
          "Anyone with the public link gets a temporary copy of this server with the mounts"
              + " read-only or none; they never reach yours.");
    }
    return new Confirmation(
        repo,
        ref,
        described,
        credentials,
        List.copyOf(collaborators),
        publicAccess,
        risks,
        permissionsHash(repo, mounts, credentials, collaborators, publicAccess));
  }

  /**
   * Whether a launch must be confirmed: every launch link followed into Berth, and every spec with
   * writable mounts, passed credentials or collaborators.
   */
  public static boolean needed(
      boolean fromLink, List<MountSpec> mounts, boolean credentials, List<String> collaborators) {
    return fromLink
        || mounts.stream().anyMatch(m -> !m.readOnly())
        || credentials
        || !collaborators.isEmpty();
  }

  /** The hash of what a launch may touch (not its ref: new commits of one repository ask once). */
  static String permissionsHash(
      String repo,
      List<MountSpec> mounts,
      boolean credentials,
      List<String> collaborators,
      boolean publicAccess) {
    StringBuilder text = new StringBuilder("repo " + repo);
    mounts.stream()
        .map(m -> "\nmount " + m.target() + "|" + m.volume() + "|" + (m.readOnly() ? "ro" : "rw"))
        .sorted()
        .forEach(text::append);
    text.append("\ncredentials ").append(credentials);
    collaborators.stream().sorted().forEach(c -> text.append("\ncollaborator ").append(c));
    text.append("\npublic ").append(publicAccess);
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(text.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
