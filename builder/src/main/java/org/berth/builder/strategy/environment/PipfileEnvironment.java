package org.berth.builder.strategy.environment;

import java.util.Map;
import java.util.Optional;

/**
 * A {@code Pipfile} and/or {@code Pipfile.lock}, installed as repo2docker installs them: with
 * pipenv (Debian's {@code pipenv}) into the system Python, from the lock file when there is one
 * ({@code --ignore-pipfile}, hashes checked) and otherwise from the Pipfile ({@code --skip-lock}),
 * development packages included. Packages come from the configured package index: pipenv replaces
 * the Pipfile's PyPI source with it ({@code PIPENV_PYPI_MIRROR}). As in repo2docker, a {@code
 * requirements.txt} beside them is not used.
 *
 * @param lock whether there is a Pipfile.lock
 * @param pipfile whether there is a Pipfile
 */
record PipfileEnvironment(boolean lock, boolean pipfile) {

  static Optional<PipfileEnvironment> of(Map<String, byte[]> files) {
    boolean lock = files.containsKey("Pipfile.lock");
    boolean pipfile = files.containsKey("Pipfile");
    return lock || pipfile ? Optional.of(new PipfileEnvironment(lock, pipfile)) : Optional.empty();
  }

  /** The file the packages are read from, as a summary names it. */
  String source() {
    return lock ? "Pipfile.lock" : "Pipfile";
  }

  /** Installs pipenv: the same for every such repository, so the layer cache shares it. */
  static String installSteps() {
    return "RUN apt-get update -qq && apt-get install -y -q --no-install-recommends pipenv"
        + " && apt-get clean && rm -rf /var/lib/apt/lists/*"
        + EnvironmentRecipe.marker("pipenv")
        + "\n";
  }

  /** Copies the Pipfile(s) and installs their packages from {@code index} (null: pipenv's own). */
  String packageSteps(String index) {
    StringBuilder d = new StringBuilder();
    d.append("COPY ");
    if (pipfile) {
      d.append("Pipfile ");
    }
    if (lock) {
      d.append("Pipfile.lock ");
    }
    d.append(EnvironmentRecipe.WORK).append("/\n");
    d.append("RUN cd ").append(EnvironmentRecipe.WORK);
    if (!pipfile) {
      // pipenv insists on a Pipfile even when it installs from the lock file alone.
      d.append(" && printf '[packages]\\n' > Pipfile");
    }
    d.append(" && HOME=/root PIPENV_NOSPIN=1 PIPENV_YES=1 PIP_BREAK_SYSTEM_PACKAGES=1")
        .append(" PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_TIMEOUT=5 PIP_RETRIES=0");
    if (index != null && !index.isBlank()) {
      d.append(" PIPENV_PYPI_MIRROR=").append(index);
      if (index.startsWith("http://")) {
        d.append(" PIP_TRUSTED_HOST=").append(java.net.URI.create(index).getHost());
      }
    }
    d.append(" pipenv install --system --dev ")
        .append(lock ? "--ignore-pipfile" : "--skip-lock")
        .append(EnvironmentRecipe.marker(source()))
        .append('\n');
    return d.toString();
  }
}
