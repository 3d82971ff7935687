package org.berth.builder.strategy.environment;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.berth.builder.BuildException;
import org.berth.builder.BuildException.Failure;
import org.berth.builder.BuilderConfig;

/**
 * An R environment, detected as repo2docker detects one: a {@code runtime.txt} saying {@code
 * r-<YYYY-MM-DD>} or {@code r-<version>-<YYYY-MM-DD>}, or a {@code DESCRIPTION} file at the root of
 * a repository without a {@code binder/} folder. R is Debian's ({@code r-base-core} with the
 * recommended packages and the tools to compile source packages), with Debian's IRkernel registered
 * so that Jupyter offers an R kernel. The R packages of {@code install.R} and of {@code
 * DESCRIPTION} come from the configured CRAN mirror, or from its snapshot of the date in {@code
 * runtime.txt} when the mirror has dated snapshots. Packages go to {@value #LIBRARY}, which the
 * user owns, so that the notebook user can install more.
 *
 * @param version the R version runtime.txt asks for ({@code 4.3.2}, {@code 4.3}), or empty
 * @param date the CRAN date runtime.txt asks for, or null
 * @param installR whether the repository has an {@code install.R}
 * @param description whether the repository has a {@code DESCRIPTION} (an R package)
 */
record REnvironment(String version, LocalDate date, boolean installR, boolean description) {
  static final String LIBRARY = "/srv/rlibs";
  static final String VERSION_MARKER = "berth-r-version: ";
  static final String VERSION_LABEL = "org.berth.r-version";
  private static final Pattern RUNTIME =
      Pattern.compile("r-(?:(\\d+(?:\\.\\d+){0,2})-)?(\\d{4}-\\d{2}-\\d{2})");

  /**
   * The R environment the files ask for; empty when they do not ask for R.
   *
   * @throws BuildException (RECIPE) when runtime.txt names R in a form Berth does not read, or when
   *     install.R comes without anything asking for R
   */
  static Optional<REnvironment> of(Map<String, byte[]> files) {
    String runtime =
        files.containsKey("runtime.txt")
            ? new String(files.get("runtime.txt"), StandardCharsets.UTF_8).strip()
            : "";
    boolean installR = files.containsKey("install.R");
    boolean description = files.containsKey("DESCRIPTION");
    if (runtime.startsWith("r-")) {
      Matcher m = RUNTIME.matcher(runtime);
      LocalDate date = null;
      if (m.matches()) {
        try {
          date = LocalDate.parse(m.group(2));
        } catch (DateTimeException e) {
          date = null;
        }
      }
      if (date == null) {
        throw new BuildException(
            Failure.RECIPE,
            "runtime.txt says \""
                + runtime
                + "\", which Berth does not understand. For R, write r-<YYYY-MM-DD> or"
                + " r-<version>-<YYYY-MM-DD>, for example r-4.2-2024-01-10: the date chooses"
                + " the CRAN packages.");
      }
      return Optional.of(
          new REnvironment(m.group(1) == null ? "" : m.group(1), date, installR, description));
    }
    if (description) {
      return Optional.of(new REnvironment("", null, installR, true));
    }
    if (installR) {
      throw new BuildException(
          Failure.RECIPE,
          "The repository has install.R, but nothing in it asks for R, so install.R would not be"
              + " run. Add a runtime.txt saying r-<YYYY-MM-DD> (or r-<version>-<YYYY-MM-DD>), as"
              + " repo2docker needs too.");
    }
    return Optional.empty();
  }

  /** Whether anything has to be installed from CRAN. */
  boolean needsCran() {
    return installR || description;
  }

  /** Whether the packages come from a dated snapshot. */
  boolean snapshot(BuilderConfig config) {
    return date != null && config.cranSnapshotUrl() != null;
  }

  /** The CRAN address packages are installed from. */
  String cranUrl(BuilderConfig config) {
    return snapshot(config)
        ? config.cranSnapshotUrl().replace("{date}", date.toString()).replaceAll("/+$", "")
        : config.cranUrl();
  }

  /** What the CRAN packages are for, as a summary names it. */
  String packagesOf() {
    if (installR && description) {
      return "the R packages of install.R and DESCRIPTION";
    }
    return installR ? "the R packages of install.R" : "the R packages DESCRIPTION depends on";
  }

  /** Log lines to show before the build: what the environment will be. */
  List<String> notes(BuilderConfig config) {
    List<String> notes = new ArrayList<>();
    if (date != null && !snapshot(config)) {
      notes.add(
          "runtime.txt asks for CRAN as of "
              + date
              + "; the configured CRAN mirror has no dated snapshots"
              + " (berth.builder.cran-snapshot-url), so R packages come from "
              + config.cranUrl()
              + " as it is today");
    } else if (date != null && needsCran()) {
      notes.add("R packages come from CRAN as of " + date + ": " + cranUrl(config));
    }
    return notes;
  }

  /**
   * What to tell the user when the installed R is not the one runtime.txt asks for; empty when it
   * is, or when no version was asked for.
   */
  Optional<String> versionNote(String installed) {
    if (version.isEmpty() || installed == null || installed.isBlank()) {
      return Optional.empty();
    }
    String[] want = version.split("\\.");
    String[] have = installed.strip().split("\\.");
    boolean same = want.length <= have.length;
    for (int i = 0; same && i < want.length; i++) {
      same = want[i].equals(have[i]);
    }
    if (same) {
      return Optional.empty();
    }
    return Optional.of(
        "runtime.txt asks for R "
            + version
            + ", but Berth installs R from Debian's packages: this environment has R "
            + installed.strip()
            + " instead");
  }

  /**
   * Installs R and registers its kernel. The same for every R repository, so the engine's layer
   * cache shares it; it comes before any step that depends on the repository.
   */
  static String installSteps() {
    return "RUN apt-get update -qq"
        + " && apt-get install -y -q --no-install-recommends r-base-core r-recommended r-base-dev"
        + " r-cran-irkernel"
        + " && apt-get clean && rm -rf /var/lib/apt/lists/*"
        // Jupyter's own kernelspec installer (Debian's base has no `jupyter` command for
        // IRkernel::installspec to call); HOME=/root so that nothing root-owned lands in the
        // user's home.
        + " && HOME=/root python3 -m jupyter_client.kernelspecapp install"
        + " /usr/lib/R/site-library/IRkernel/kernelspec --name ir"
        + " && install -d -o 1000 -g 100 "
        + LIBRARY
        + EnvironmentRecipe.marker("r")
        + "\n"
        + "ENV R_LIBS_USER="
        + LIBRARY
        + "\n";
  }

  /** Points R at the CRAN address and installs the repository's R packages as the user. */
  String packageSteps(BuilderConfig config) {
    StringBuilder d = new StringBuilder();
    d.append("RUN printf '%s\\n' 'options(repos = c(CRAN = \"")
        .append(cranUrl(config))
        .append("\"))' >> /etc/R/Rprofile.site\n");
    if (description) {
      d.append("COPY DESCRIPTION berth-description.R ")
          .append(EnvironmentRecipe.WORK)
          .append("/\n");
      d.append("USER 1000\n");
      d.append("RUN cd ")
          .append(EnvironmentRecipe.WORK)
          .append(" && Rscript berth-description.R")
          .append(EnvironmentRecipe.marker("DESCRIPTION"))
          .append('\n');
      d.append("USER root\n");
    }
    if (installR) {
      d.append("COPY install.R berth-install.R ").append(EnvironmentRecipe.WORK).append("/\n");
      d.append("USER 1000\n");
      d.append("RUN cd ")
          .append(EnvironmentRecipe.WORK)
          .append(" && Rscript berth-install.R")
          .append(EnvironmentRecipe.marker("install.R"))
          .append('\n');
      d.append("USER root\n");
    }
    return d.toString();
  }

  /** Prints the installed R version for the builder to compare with runtime.txt. */
  static String versionCommand() {
    return "echo \"" + VERSION_MARKER + "$(Rscript -e 'cat(as.character(getRversion()))')\"";
  }

  /** The helper scripts the steps above run, by file name. */
  Map<String, String> scripts() {
    return Map.of("berth-install.R", INSTALL_R, "berth-description.R", DESCRIPTION_R);
  }

  /**
   * The handler both scripts share: install.packages() only warns when a package cannot be had, so
   * the warnings are collected and the build fails naming the packages.
   */
  private static final String HANDLER =
      """
      failed <- character()
      unreachable <- FALSE
      watch <- function(w) {
        m <- gsub("\\\\s+", " ", conditionMessage(w))
        if (grepl("unable to access index for repository", m)) unreachable <<- TRUE
        hit <- regmatches(m, regexec(
          "(package|dependency) [\\u2018'\\"]([^\\u2019'\\"]+)[\\u2019'\\"] (is not available|had non-zero exit status)",
          m))[[1]]
        if (length(hit) == 4) failed <<- union(failed, hit[3])
      }
      report <- function() {
        if (unreachable) { cat("berth-failed: cran-unreachable\\n"); quit(status = 96) }
        if (length(failed)) {
          cat(paste0("berth-failed: r-packages ", paste(failed, collapse = " "), "\\n"))
          quit(status = 94)
        }
      }
      """;

  private static final String INSTALL_R =
      "# Runs the repository's install.R, as repo2docker does; an R package it asks for that\n"
          + "# cannot be installed fails the build, named.\n"
          + HANDLER
          + "withCallingHandlers(source(\"install.R\"), warning = watch)\n"
          + "report()\n";

  private static final String DESCRIPTION_R =
      "# Installs what DESCRIPTION depends on (Depends, Imports, LinkingTo) from CRAN.\n"
          + HANDLER
          + """
          fields <- read.dcf("DESCRIPTION", fields = c("Depends", "Imports", "LinkingTo"))
          deps <- unlist(strsplit(gsub("\\\\s+", " ", fields[!is.na(fields)]), ","))
          deps <- trimws(sub("\\\\(.*", "", deps))
          deps <- setdiff(deps[nzchar(deps)], c("R", rownames(installed.packages())))
          if (length(deps)) withCallingHandlers(install.packages(deps), warning = watch)
          report()
          missing <- deps[!vapply(deps, requireNamespace, logical(1), quietly = TRUE)]
          if (length(missing)) {
            cat(paste0("berth-failed: r-packages ", paste(missing, collapse = " "), "\\n"))
            quit(status = 94)
          }
          """;
}
