package org.berth.imagecache;

import java.util.regex.Pattern;

/**
 * A reference to a tagged image in a registry: {@code registry/repository:tag}.
 *
 * @param registry host and optional port, e.g. {@code 127.0.0.1:5000}
 * @param repository repository name in the registry, e.g. {@code berth/github-com-owner-repo}
 * @param tag the tag
 */
public record ImageRef(String registry, String repository, String tag) {
  static final Pattern REGISTRY =
      Pattern.compile("[A-Za-z0-9.-]+(:[0-9]{1,5})?|\\[[0-9a-fA-F:]+](:[0-9]{1,5})?");
  static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
  static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

  public ImageRef {
    if (registry == null || !REGISTRY.matcher(registry).matches()) {
      throw new IllegalArgumentException("not a registry host: " + registry);
    }
    if (!isValidRepository(repository)) {
      throw new IllegalArgumentException("not a repository name: " + repository);
    }
    if (tag == null || !TAG.matcher(tag).matches()) {
      throw new IllegalArgumentException("not an image tag: " + tag);
    }
  }

  /** Parses {@code host[:port]/repo/path:tag}; the registry part is required. */
  public static ImageRef parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("image reference is missing");
    }
    int slash = text.indexOf('/');
    int colon = text.lastIndexOf(':');
    if (slash <= 0 || colon <= slash) {
      throw new IllegalArgumentException("not a registry/repository:tag reference: " + text);
    }
    return new ImageRef(
        text.substring(0, slash), text.substring(slash + 1, colon), text.substring(colon + 1));
  }

  /** True when the name follows the OCI distribution repository grammar and length limit. */
  public static boolean isValidRepository(String repository) {
    if (repository == null || repository.isEmpty() || repository.length() > 255) {
      return false;
    }
    for (String component : repository.split("/", -1)) {
      if (!COMPONENT.matcher(component).matches()) {
        return false;
      }
    }
    return true;
  }

  /** The same repository with another tag. */
  public ImageRef withTag(String otherTag) {
    return new ImageRef(registry, repository, otherTag);
  }

  @Override
  public String toString() {
    return registry + "/" + repository + ":" + tag;
  }
}
