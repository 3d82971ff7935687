package org.berth.builder.strategy.environment;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.berth.builder.BuildContext;
import org.berth.builder.BuildEvent;

/**
 * Watches the output of a generated Dockerfile as it streams by (every line still reaches the
 * build's log): the markers its steps print when they fail ({@code berth-failed: ...}), the
 * installed R version, and the lines of apt and pip that name a missing package. From these a
 * failure is told in the user's words (see {@link EnvironmentRecipe#explain}) while the log keeps
 * the details. Not thread-safe beyond the engine's one streaming thread and a reader afterwards.
 */
final class StepOutput implements Consumer<BuildEvent> {
  /** A marker a step printed, possibly after output that did not end its line. */
  private static final Pattern MARKER = Pattern.compile("(?<!\")berth-failed: (\\S+)(?: (.*))?$");

  private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*[A-Za-z]");
  private static final Pattern EXIT = Pattern.compile("returned a non-zero code: (\\d+)");
  private static final Pattern APT_MISSING =
      Pattern.compile(
          "E: (?:Unable to locate package |Package ')(\\S+?)'?(?: has no installation candidate)?$");
  private static final Pattern PIP_MISSING =
      Pattern.compile("No matching distribution found for (\\S+)");
  private static final Pattern UNREACHABLE =
      Pattern.compile(
          "NewConnectionError|Failed to establish a new connection|Temporary failure in name"
              + " resolution|Could not resolve host|Connection refused");

  private final BuildContext ctx;
  private final List<String> steps = new ArrayList<>();
  private final Set<String> rPackages = new LinkedHashSet<>();
  private final Set<String> aptMissing = new LinkedHashSet<>();
  private final Set<String> pipMissing = new LinkedHashSet<>();
  private volatile boolean cranUnreachable;
  private volatile boolean networkTrouble;
  private volatile String exitCode = "";
  private volatile String rVersion;

  StepOutput(BuildContext ctx) {
    this.ctx = ctx;
  }

  /** The build's context, with this watching its events on the way to the build's own sink. */
  BuildContext context() {
    return new BuildContext(ctx.target(), this, ctx.deadline(), ctx.cancelled());
  }

  @Override
  public void accept(BuildEvent event) {
    if (event instanceof BuildEvent.LogLine l) {
      read(l.line());
    }
    ctx.events().accept(event);
  }

  private void read(String line) {
    String text = ANSI.matcher(line).replaceAll("").strip();
    if (text.startsWith("Step ")) {
      return; // a step's own command text, which may contain any of the words below
    }
    Matcher exit = EXIT.matcher(text);
    if (text.startsWith("ERROR: ") && exit.find()) {
      exitCode = exit.group(1); // the engine's line, which quotes the step's command
      return;
    }
    Matcher marker = MARKER.matcher(text);
    if (marker.find()) {
      String what = marker.group(1);
      String args = marker.group(2) == null ? "" : marker.group(2).strip();
      switch (what) {
        case "step" -> steps.add(args);
        case "cran-unreachable" -> cranUnreachable = true;
        case "r-packages" -> rPackages.addAll(List.of(args.split("\\s+")));
        default -> steps.add(what);
      }
      return;
    }
    if (text.startsWith(REnvironment.VERSION_MARKER)) {
      rVersion = text.substring(REnvironment.VERSION_MARKER.length()).strip();
      return;
    }
    Matcher apt = APT_MISSING.matcher(text);
    if (apt.find()) {
      aptMissing.add(apt.group(1));
    }
    Matcher pip = PIP_MISSING.matcher(text);
    if (pip.find()) {
      pipMissing.add(pip.group(1));
    }
    if (UNREACHABLE.matcher(text).find()) {
      networkTrouble = true;
    }
  }

  /** The generated step that failed ({@code apt.txt}, {@code install.R}, ...), or empty. */
  String failedStep() {
    return steps.isEmpty() ? "" : steps.get(steps.size() - 1);
  }

  /** The failed step's exit code as the engine reported it, or empty. */
  String exitCode() {
    return exitCode;
  }

  Set<String> rPackages() {
    return rPackages;
  }

  Set<String> aptMissing() {
    return aptMissing;
  }

  Set<String> pipMissing() {
    return pipMissing;
  }

  boolean cranUnreachable() {
    return cranUnreachable;
  }

  /** Whether a line said a connection could not be made (pip's and curl's words). */
  boolean networkTrouble() {
    return networkTrouble;
  }

  /** The R version the build printed, or null. */
  String rVersion() {
    return rVersion;
  }
}
