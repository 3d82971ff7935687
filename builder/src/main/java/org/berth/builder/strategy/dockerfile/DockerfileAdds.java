package org.berth.builder.strategy.dockerfile;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.berth.builder.BuildException;
import org.berth.builder.BuildException.Failure;
import org.berth.builder.source.SourceValidator;

/**
 * Checks a Dockerfile's remote {@code ADD}s before any engine step: the classic builder downloads
 * them from the engine's own process, on this host's network, so a download from an internal
 * address (loopback, this host, private ranges, cloud metadata...) is refused by the same rules as
 * repository hosts ({@link SourceValidator}).
 *
 * <p>The check reads the Dockerfile as the builder does (parser directives, line continuations,
 * comments, {@code ONBUILD}, JSON and shell forms, quotes and escapes) and expands variables
 * conservatively: a variable may hold any value some {@code ARG} or {@code ENV} anywhere in the
 * file gives it, or a build argument Berth passes; every resulting URL is checked, and one whose
 * host cannot be worked out is refused. What it cannot see is what happens after the check: a
 * server that redirects the engine, or a name whose DNS answer changes; the network policy in
 * docs/security.md covers those.
 */
final class DockerfileAdds {
  /** More expansions of one word than this is refused as too hard to check. */
  private static final int MAX_CANDIDATES = 64;

  private static final Pattern DIRECTIVE = Pattern.compile("^#\\s*([A-Za-z]+)\\s*=\\s*(\\S+)\\s*$");

  private DockerfileAdds() {}

  /** One instruction: its first line's number and its text with continuations joined. */
  private record Instruction(int line, String text) {}

  /**
   * Throws a {@link Failure#REFUSED REFUSED} {@link BuildException} naming the URL and the line
   * when an {@code ADD} may download from a host the rules refuse.
   *
   * @param buildArgs the build arguments Berth passes to the build
   */
  static void check(String dockerfile, Map<String, String> buildArgs, SourceValidator rules) {
    char escape = '\\';
    List<String> lines = dockerfile.lines().toList();
    for (String line : lines) {
      Matcher d = DIRECTIVE.matcher(line);
      if (!d.matches()) {
        break; // directives only come first
      }
      if (d.group(1).equalsIgnoreCase("escape") && d.group(2).length() == 1) {
        escape = d.group(2).charAt(0);
      }
    }
    List<Instruction> instructions = instructions(lines, escape);
    Map<String, Set<String>> vars = new LinkedHashMap<>();
    buildArgs.forEach((k, v) -> vars.computeIfAbsent(k, x -> new LinkedHashSet<>()).add(v));
    for (Instruction i : instructions) {
      String[] kw = keyword(i.text());
      if (kw[0].equals("ARG") || kw[0].equals("ENV")) {
        define(kw[0], kw[1], vars, escape);
      }
    }
    for (Instruction i : instructions) {
      String[] kw = keyword(i.text());
      if (kw[0].equals("ONBUILD")) {
        kw = keyword(kw[1]);
      }
      if (!kw[0].equals("ADD")) {
        continue;
      }
      List<String> words = words(kw[1]);
      while (!words.isEmpty() && words.get(0).startsWith("--")) {
        words.remove(0);
      }
      for (String source : words.subList(0, Math.max(0, words.size() - 1))) {
        checkSource(source, i.line(), vars, escape, rules);
      }
    }
  }

  private static void checkSource(
      String source, int line, Map<String, Set<String>> vars, char escape, SourceValidator rules) {
    Optional<List<String>> expanded = expand(source, vars, escape);
    if (expanded.isEmpty()) {
      if (mayBeUrl(source)) {
        throw cannotTell(source, line);
      }
      return;
    }
    boolean unclear = false;
    for (String candidate : expanded.get()) {
      String lower = candidate.toLowerCase(Locale.ROOT);
      if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
        continue;
      }
      String host = host(candidate);
      if (host == null) {
        unclear = true;
        continue;
      }
      Optional<String> why = rules.whyNotReachable(host);
      if (why.isPresent()) {
        throw new BuildException(
            Failure.REFUSED,
            "The Dockerfile cannot download "
                + candidate
                + " (line "
                + line
                + "): "
                + why.get()
                + ". Download it from a public host, or ask the admin to allow it.");
      }
    }
    if (unclear) {
      throw cannotTell(source, line);
    }
  }

  private static boolean mayBeUrl(String source) {
    String lower = source.toLowerCase(Locale.ROOT);
    return lower.startsWith("$") || lower.startsWith("http") || lower.contains("://");
  }

  private static BuildException cannotTell(String source, int line) {
    return new BuildException(
        Failure.REFUSED,
        "The Dockerfile's ADD "
            + source
            + " (line "
            + line
            + ") downloads from an address Berth cannot work out before the build; write the"
            + " address out in full.");
  }

  private static String host(String url) {
    try {
      String host = new URI(url).getHost();
      return host == null || host.isBlank() ? null : host;
    } catch (URISyntaxException e) {
      return null;
    }
  }

  /** Joins continued lines and drops comments and blank lines, keeping first line numbers. */
  private static List<Instruction> instructions(List<String> lines, char escape) {
    List<Instruction> out = new ArrayList<>();
    StringBuilder current = null;
    int start = 0;
    for (int n = 0; n < lines.size(); n++) {
      String line = lines.get(n);
      String stripped = line.strip();
      if (stripped.startsWith("#") || (stripped.isEmpty() && current != null)) {
        continue; // comments, also inside a continued instruction
      }
      if (stripped.isEmpty()) {
        continue;
      }
      if (current == null) {
        current = new StringBuilder();
        start = n + 1;
      }
      String trailing = line.stripTrailing();
      if (!trailing.isEmpty() && trailing.charAt(trailing.length() - 1) == escape) {
        current.append(trailing, 0, trailing.length() - 1).append(' ');
        continue;
      }
      current.append(line);
      out.add(new Instruction(start, current.toString().strip()));
      current = null;
    }
    if (current != null) {
      out.add(new Instruction(start, current.toString().strip()));
    }
    return out;
  }

  /** The instruction's keyword (upper case) and the rest. */
  private static String[] keyword(String text) {
    String[] parts = text.strip().split("\\s+", 2);
    return new String[] {parts[0].toUpperCase(Locale.ROOT), parts.length > 1 ? parts[1] : ""};
  }

  /** ADD's arguments: a JSON array of strings, or words split on white space. */
  private static List<String> words(String args) {
    String a = args.strip();
    if (a.startsWith("[")) {
      List<String> json = jsonStrings(a);
      if (json != null) {
        return json;
      }
    }
    List<String> words = new ArrayList<>(List.of(a.split("\\s+")));
    words.removeIf(String::isEmpty);
    return words;
  }

  /** A JSON array of strings, or null when the text is not one (then it is the shell form). */
  private static List<String> jsonStrings(String text) {
    List<String> out = new ArrayList<>();
    int i = 1;
    int n = text.length();
    while (true) {
      while (i < n && Character.isWhitespace(text.charAt(i))) {
        i++;
      }
      if (i < n && text.charAt(i) == ']' && out.isEmpty()) {
        return text.substring(i + 1).isBlank() ? out : null;
      }
      if (i >= n || text.charAt(i) != '"') {
        return null;
      }
      StringBuilder s = new StringBuilder();
      i++;
      while (i < n && text.charAt(i) != '"') {
        char c = text.charAt(i++);
        if (c == '\\' && i < n) {
          char e = text.charAt(i++);
          switch (e) {
            case 'n' -> s.append('\n');
            case 't' -> s.append('\t');
            case 'u' -> {
              if (i + 4 > n) {
                return null;
              }
              s.append((char) Integer.parseInt(text.substring(i, i + 4), 16));
              i += 4;
            }
            default -> s.append(e);
          }
        } else {
          s.append(c);
        }
      }
      if (i >= n) {
        return null;
      }
      out.add(s.toString());
      i++;
      while (i < n && Character.isWhitespace(text.charAt(i))) {
        i++;
      }
      if (i < n && text.charAt(i) == ',') {
        i++;
        continue;
      }
      if (i < n && text.charAt(i) == ']') {
        return text.substring(i + 1).isBlank() ? out : null;
      }
      return null;
    }
  }

  /** Records the values an ARG or ENV gives, expanded with what is known so far. */
  private static void define(
      String keyword, String args, Map<String, Set<String>> vars, char escape) {
    String a = args.strip();
    List<String[]> pairs = new ArrayList<>();
    if (keyword.equals("ENV") && !a.isEmpty() && !a.split("\\s+", 2)[0].contains("=")) {
      String[] kv = a.split("\\s+", 2); // legacy "ENV key value"
      pairs.add(new String[] {kv[0], kv.length > 1 ? kv[1] : ""});
    } else {
      for (String word : shellWords(a, escape)) {
        int eq = word.indexOf('=');
        if (eq > 0) {
          pairs.add(new String[] {word.substring(0, eq), word.substring(eq + 1)});
        } else if (keyword.equals("ARG")) {
          vars.computeIfAbsent(word, k -> new LinkedHashSet<>());
        }
      }
    }
    for (String[] kv : pairs) {
      Set<String> values = vars.computeIfAbsent(kv[0], k -> new LinkedHashSet<>());
      Optional<List<String>> expanded = expand(kv[1], vars, escape);
      if (expanded.isPresent()) {
        values.addAll(expanded.get());
      } else {
        values.add("$unknown"); // too many combinations: a value no URL check can pass
      }
    }
  }

  /** Splits on unquoted white space, keeping quotes and escapes for {@link #expand}. */
  private static List<String> shellWords(String text, char escape) {
    List<String> words = new ArrayList<>();
    StringBuilder w = new StringBuilder();
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == escape && i + 1 < text.length() && quote != '\'') {
        w.append(c).append(text.charAt(++i));
      } else if (quote != 0) {
        w.append(c);
        if (c == quote) {
          quote = 0;
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
        w.append(c);
      } else if (Character.isWhitespace(c)) {
        if (!w.isEmpty()) {
          words.add(w.toString());
          w.setLength(0);
        }
      } else {
        w.append(c);
      }
    }
    if (!w.isEmpty()) {
      words.add(w.toString());
    }
    return words;
  }

  /**
   * Every value a word may take: quotes removed, escapes applied, {@code $name}, {@code ${name}},
   * {@code ${name:-word}} and {@code ${name:+word}} replaced by each value the variable may hold (a
   * variable nothing defines is empty, as in the builder). Empty when there would be too many.
   */
  static Optional<List<String>> expand(String word, Map<String, Set<String>> vars, char escape) {
    List<StringBuilder> out = new ArrayList<>(List.of(new StringBuilder()));
    char quote = 0;
    int n = word.length();
    for (int i = 0; i < n; i++) {
      char c = word.charAt(i);
      if (quote == '\'') {
        if (c == '\'') {
          quote = 0;
        } else {
          append(out, String.valueOf(c));
        }
        continue;
      }
      if (c == escape && i + 1 < n) {
        append(out, String.valueOf(word.charAt(++i)));
      } else if (c == '"') {
        quote = quote == '"' ? 0 : '"';
      } else if (c == '\'' && quote == 0) {
        quote = '\'';
      } else if (c == '$' && i + 1 < n) {
        int end;
        List<String> values;
        if (word.charAt(i + 1) == '{') {
          end = word.indexOf('}', i + 2);
          if (end < 0) {
            return Optional.empty();
          }
          values = braced(word.substring(i + 2, end), vars, escape);
          if (values == null) {
            return Optional.empty();
          }
        } else {
          end = i + 1;
          while (end < n
              && (Character.isLetterOrDigit(word.charAt(end)) || word.charAt(end) == '_')) {
            end++;
          }
          if (end == i + 1) {
            append(out, "$");
            continue;
          }
          values = values(word.substring(i + 1, end), vars);
          end--;
        }
        List<StringBuilder> next = new ArrayList<>();
        for (StringBuilder prefix : out) {
          for (String v : values) {
            next.add(new StringBuilder(prefix).append(v));
          }
        }
        if (next.size() > MAX_CANDIDATES) {
          return Optional.empty();
        }
        out = next;
        i = end;
      } else {
        append(out, String.valueOf(c));
      }
    }
    return Optional.of(out.stream().map(StringBuilder::toString).distinct().toList());
  }

  /** {@code name}, {@code name:-word} or {@code name:+word}; null when not understood. */
  private static List<String> braced(String inner, Map<String, Set<String>> vars, char escape) {
    int colon = inner.indexOf(':');
    if (colon < 0) {
      return inner.matches("\\w+") ? values(inner, vars) : null;
    }
    String name = inner.substring(0, colon);
    String rest = inner.substring(colon + 1);
    if (!name.matches("\\w+") || rest.isEmpty()) {
      return null;
    }
    Optional<List<String>> word = expand(rest.substring(1), vars, escape);
    if (word.isEmpty()) {
      return null;
    }
    Set<String> all = new LinkedHashSet<>();
    if (rest.charAt(0) == '-') {
      all.addAll(values(name, vars));
      all.remove(""); // unset or empty: the word instead
      all.addAll(word.get());
    } else if (rest.charAt(0) == '+') {
      all.add("");
      all.addAll(word.get()); // when set
    } else {
      return null;
    }
    return List.copyOf(all);
  }

  private static List<String> values(String name, Map<String, Set<String>> vars) {
    Set<String> v = vars.get(name);
    return v == null || v.isEmpty() ? List.of("") : List.copyOf(v);
  }

  private static void append(List<StringBuilder> out, String s) {
    out.forEach(b -> b.append(s));
  }
}
