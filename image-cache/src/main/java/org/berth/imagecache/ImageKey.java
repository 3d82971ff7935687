package org.berth.imagecache;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The registry name of a built image: a safe slug of the source, the resolved commit and the recipe
 * version. A pure function of its inputs; tags never contain branch names.
 *
 * <p>Two sources whose slugs collide still get correct images: the tag holds the full commit SHA,
 * which already fixes the content.
 *
 * @param repository registry repository, always under {@code berth/}
 * @param tag {@code <commit>-r<recipe>}
 */
public record ImageKey(String repository, String tag) {
  /** Longest slug kept verbatim; longer ones are cut and get a hash suffix. */
  static final int MAX_SLUG = 100;

  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");
  private static final Pattern RECIPE = Pattern.compile("[a-z0-9][a-z0-9.]{0,19}");

  public ImageKey {
    if (!ImageRef.isValidRepository(repository)) {
      throw new IllegalArgumentException("not a repository name: " + repository);
    }
    if (tag == null || !ImageRef.TAG.matcher(tag).matches()) {
      throw new IllegalArgumentException("not an image tag: " + tag);
    }
  }

  /**
   * The image key of a build.
   *
   * @param source canonical source, e.g. {@code https://github.com/owner/repo}
   * @param commit the full resolved commit SHA (40 or 64 hex digits)
   * @param recipeVersion version of the build recipe, e.g. {@code 1}
   */
  public static ImageKey of(String source, String commit, String recipeVersion) {
    String sha = commit == null ? "" : commit.toLowerCase(Locale.ROOT);
    if (!COMMIT.matcher(sha).matches()) {
      throw new IllegalArgumentException("not a full commit SHA: " + commit);
    }
    if (recipeVersion == null || !RECIPE.matcher(recipeVersion).matches()) {
      throw new IllegalArgumentException("not a recipe version: " + recipeVersion);
    }
    return new ImageKey("berth/" + slug(source), sha + "-r" + recipeVersion);
  }

  /** The key as a reference in the given registry. */
  public ImageRef toRef(String registry) {
    return new ImageRef(registry, repository, tag);
  }

  /**
   * A registry-valid repository path made from any text: scheme and user info dropped, lowercase,
   * ASCII letters and digits kept, every other run of characters turned into one separator, empty
   * and {@code .}/{@code ..} segments dropped; long results cut with a hash of the whole input.
   */
  public static String slug(String source) {
    String text = source == null ? "" : source.strip();
    text = text.replaceFirst("^[A-Za-z][A-Za-z0-9+.-]*://", "");
    text = text.replaceFirst("^[^/@]*@", "");
    text = Normalizer.normalize(text, Normalizer.Form.NFKD).replaceAll("\\p{M}+", "");
    text = text.toLowerCase(Locale.ROOT);
    StringBuilder out = new StringBuilder();
    for (String segment : text.split("[/:\\\\]+")) {
      String clean =
          segment
              .replaceAll("[^a-z0-9.]+", "-")
              .replaceAll("[.-]{2,}", "-")
              .replaceAll("^[.-]+|[.-]+$", "");
      if (!clean.isEmpty()) {
        if (out.length() > 0) {
          out.append('/');
        }
        out.append(clean);
      }
    }
    String slug = out.isEmpty() ? "source" : out.toString();
    if (slug.length() > MAX_SLUG) {
      String cut = slug.substring(0, MAX_SLUG - 13).replaceAll("[./-]+$", "");
      slug = cut + "-" + sha256(source == null ? "" : source).substring(0, 12);
    }
    return slug;
  }

  static String sha256(String text) {
    return HexFormat.of().formatHex(digest().digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
