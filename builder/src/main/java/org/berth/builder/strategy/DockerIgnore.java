package org.berth.builder.strategy;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A {@code .dockerignore}'s patterns, matched as the Docker CLI matches them when it sends a build
 * context: Go's {@code filepath.Match} syntax plus {@code **} for any number of folders, a leading
 * {@code !} re-including what an earlier pattern excluded, the last matching pattern deciding, and
 * a pattern that matches a folder matching everything in it.
 */
final class DockerIgnore {
  private record Rule(Pattern pattern, boolean include) {}

  private final List<Rule> rules;
  private final boolean hasIncludes;

  private DockerIgnore(List<Rule> rules) {
    this.rules = List.copyOf(rules);
    this.hasIncludes = rules.stream().anyMatch(Rule::include);
  }

  static final DockerIgnore NONE = new DockerIgnore(List.of());

  /** Parses a {@code .dockerignore}; lines starting with {@code #} are comments. */
  static DockerIgnore parse(String text) {
    List<Rule> rules = new ArrayList<>();
    for (String raw : text.split("\r?\n")) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      boolean include = line.startsWith("!");
      if (include) {
        line = line.substring(1).strip();
      }
      String clean = clean(line);
      if (clean.isEmpty()) {
        continue;
      }
      rules.add(new Rule(Pattern.compile(regex(clean)), include));
    }
    return new DockerIgnore(rules);
  }

  /** Whether {@code path} (relative, with {@code /}) is left out of the context. */
  boolean excludes(String path) {
    boolean excluded = false;
    for (Rule rule : rules) {
      if (matches(rule.pattern, path)) {
        excluded = !rule.include;
      }
    }
    return excluded;
  }

  /**
   * Whether an excluded folder must still be walked: only when some pattern re-includes paths, one
   * of which may lie inside it.
   */
  boolean mayIncludeInside() {
    return hasIncludes;
  }

  /** The path or one of its parent folders matches. */
  private static boolean matches(Pattern pattern, String path) {
    String p = path;
    while (true) {
      if (pattern.matcher(p).matches()) {
        return true;
      }
      int slash = p.lastIndexOf('/');
      if (slash < 0) {
        return false;
      }
      p = p.substring(0, slash);
    }
  }

  /**
   * As Go's {@code filepath.Clean}, without a leading {@code /} (patterns are context-relative).
   */
  static String clean(String pattern) {
    List<String> parts = new ArrayList<>();
    for (String part : pattern.split("/+")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (!parts.isEmpty() && !parts.get(parts.size() - 1).equals("..")) {
          parts.remove(parts.size() - 1);
        }
        continue; // above the context root is the root
      }
      parts.add(part);
    }
    return String.join("/", parts);
  }

  /** A pattern as a regular expression over a whole relative path. */
  static String regex(String pattern) {
    StringBuilder re = new StringBuilder();
    int n = pattern.length();
    for (int i = 0; i < n; i++) {
      char c = pattern.charAt(i);
      if (c == '*' && i + 1 < n && pattern.charAt(i + 1) == '*') {
        i++;
        boolean slashAfter = i + 1 < n && pattern.charAt(i + 1) == '/';
        if (slashAfter) {
          i++;
          re.append("(?:.*/)?"); // "**/" : zero or more folders
        } else {
          re.append(".*");
        }
      } else if (c == '*') {
        re.append("[^/]*");
      } else if (c == '?') {
        re.append("[^/]");
      } else if (c == '[') {
        int end = pattern.indexOf(']', i + 2);
        if (end < 0) {
          re.append("\\[");
          continue;
        }
        String set = pattern.substring(i + 1, end);
        boolean negate = set.startsWith("^") || set.startsWith("!");
        if (negate) {
          set = set.substring(1);
        }
        re.append(negate ? "[^/" : "[");
        for (int j = 0; j < set.length(); j++) {
          char s = set.charAt(j);
          if (s == '\\' && j + 1 < set.length()) {
            s = set.charAt(++j);
          } else if (s == '-') {
            re.append('-'); // a range, as in Go
            continue;
          }
          if ("\\[]^&-".indexOf(s) >= 0) {
            re.append('\\');
          }
          re.append(s);
        }
        re.append(']');
        i = end;
      } else if (c == '\\' && i + 1 < n) {
        re.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
      } else {
        re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return re.toString();
  }
}
