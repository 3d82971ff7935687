package org.berth.builder.source;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Proxy;
import java.net.URL;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.berth.builder.BuildException;
import org.berth.builder.RepoProvider;
import org.berth.builder.ResolvedSource;
import org.berth.builder.SourcePolicy;
import org.berth.builder.SourceRefusedException;
import org.berth.builder.SourceSpec;
import org.berth.builder.SourceTree;
import org.berth.builder.UnknownRefException;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.EmptyProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.TransportHttp;
import org.eclipse.jgit.transport.http.HttpConnection;
import org.eclipse.jgit.transport.http.HttpConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Git sources (plain URLs, {@code gh}, {@code gl}, {@code git}) through JGit. Refs are resolved
 * with {@code ls-remote}, without cloning. A short SHA is matched against the advertised refs only;
 * a short SHA that no branch or tag points at is refused (give the full SHA). Fetches are shallow
 * (depth 1), without submodules unless the policy enables them, and watched for size and time.
 */
public final class GitRepoProvider implements RepoProvider {
  private static final Logger LOG = LoggerFactory.getLogger(GitRepoProvider.class);

  private final SourcePolicy policy;
  private final SourceValidator validator;

  public GitRepoProvider(SourcePolicy policy) {
    this(policy, new SourceValidator(policy));
  }

  public GitRepoProvider(SourcePolicy policy, SourceValidator validator) {
    this.policy = policy;
    this.validator = validator;
  }

  @Override
  public boolean supports(SourceSpec spec) {
    return List.of("git", "gh", "gl").contains(spec.provider());
  }

  @Override
  public ResolvedSource resolve(SourceSpec spec) {
    validator.validate(spec);
    String repo = spec.repoUrl();
    Map<String, Ref> refs;
    try {
      refs =
          Git.lsRemoteRepository()
              .setRemote(repo)
              .setTimeout(timeoutSeconds())
              .setTransportConfigCallback(this::guard)
              .setHeads(false)
              .setTags(false)
              .callAsMap();
    } catch (GitAPIException | RuntimeException e) {
      rethrowRefusal(e);
      throw new BuildException(
          BuildException.Failure.GIT, "cannot list refs of " + repo + ": " + rootMessage(e), e);
    }
    String ref = spec.ref();
    for (String name : List.of(ref, "refs/heads/" + ref, "refs/tags/" + ref)) {
      Ref found = refs.get(name);
      if (found != null) {
        ObjectId id =
            found.getPeeledObjectId() != null ? found.getPeeledObjectId() : found.getObjectId();
        Ref peeled = refs.get(name + "^{}");
        if (peeled != null) {
          id = peeled.getObjectId();
        }
        if (id != null) {
          return new ResolvedSource(
              spec, id.name(), found.isSymbolic() ? found.getTarget().getName() : name);
        }
      }
    }
    String lower = ref.toLowerCase();
    if (lower.matches("[0-9a-f]{40}")) {
      String fetchRef = lower;
      for (Ref r : refs.values()) {
        if (r.getObjectId() != null
            && r.getObjectId().name().equals(lower)
            && !r.getName().endsWith("^{}")) {
          fetchRef = r.getName();
          break;
        }
      }
      return new ResolvedSource(spec, lower, fetchRef);
    }
    if (lower.matches("[0-9a-f]{4,39}")) {
      List<String> matches = new ArrayList<>();
      String fetchRef = null;
      for (Ref r : refs.values()) {
        ObjectId id =
            refs.containsKey(r.getName() + "^{}")
                ? refs.get(r.getName() + "^{}").getObjectId()
                : r.getObjectId();
        if (id != null && id.name().startsWith(lower) && !matches.contains(id.name())) {
          matches.add(id.name());
          fetchRef = r.getName().replace("^{}", "");
        }
      }
      if (matches.size() == 1) {
        return new ResolvedSource(spec, matches.get(0), fetchRef);
      }
      throw new UnknownRefException(
          repo,
          ref,
          matches.isEmpty()
              ? "a short SHA must be the tip of a branch or tag; give the full 40-character SHA"
              : "short SHA is ambiguous");
    }
    throw new UnknownRefException(repo, ref, "no branch, tag or commit has that name");
  }

  @Override
  public SourceTree fetch(ResolvedSource source, Path into) {
    validator.validate(source.spec());
    String repo = source.spec().repoUrl();
    long deadline = System.nanoTime() + policy.fetchTimeout().toNanos();
    AtomicBoolean tooBig = new AtomicBoolean();
    AtomicLong lastCheck = new AtomicLong();
    EmptyProgressMonitor monitor =
        new EmptyProgressMonitor() {
          @Override
          public boolean isCancelled() {
            if (System.nanoTime() > deadline) {
              return true;
            }
            long now = System.nanoTime();
            if (now - lastCheck.get() > 100_000_000L) {
              lastCheck.set(now);
              if (sizeOf(into) > policy.maxRepoBytes()) {
                tooBig.set(true);
              }
            }
            return tooBig.get();
          }
        };
    try (Git git = Git.init().setDirectory(into.toFile()).call()) {
      StoredConfig config = git.getRepository().getConfig();
      config.setString("remote", "origin", "url", repo);
      config.save();
      String want = source.fetchRef().startsWith("refs/") ? source.fetchRef() : source.commit();
      git.fetch()
          .setRemote("origin")
          .setRefSpecs(new RefSpec(want + ":refs/berth/build"))
          .setDepth(1)
          .setTimeout(timeoutSeconds())
          .setTransportConfigCallback(this::guard)
          .setProgressMonitor(monitor)
          .call();
      ObjectId fetched = git.getRepository().resolve("refs/berth/build^{commit}");
      if (fetched == null || !fetched.name().equals(source.commit())) {
        throw new BuildException(
            BuildException.Failure.GIT,
            source.fetchRef()
                + " of "
                + repo
                + " moved while fetching (expected "
                + source.commit()
                + ", got "
                + (fetched == null ? "nothing" : fetched.name())
                + "); try again");
      }
      git.checkout().setName(source.commit()).setProgressMonitor(monitor).call();
      if (policy.submodules()) {
        git.submoduleInit().call();
        git.submoduleUpdate()
            .setTransportConfigCallback(this::guard)
            .setProgressMonitor(monitor)
            .call();
      }
      long size = checkLimits(source, into, deadline, tooBig);
      LOG.info("fetched {} at {} ({} bytes)", repo, source.commit(), size);
      return new SourceTree(into, source);
    } catch (GitAPIException | IOException | RuntimeException e) {
      clear(into);
      if (e instanceof BuildException b) {
        throw b;
      }
      rethrowRefusal(e);
      checkLimits(source, into, deadline, tooBig);
      throw new BuildException(
          BuildException.Failure.GIT,
          "cannot fetch " + source.commit() + " from " + repo + ": " + rootMessage(e),
          e);
    }
  }

  /** Throws when the fetch went over a limit; otherwise returns the checkout's size in bytes. */
  private long checkLimits(ResolvedSource source, Path into, long deadline, AtomicBoolean tooBig) {
    String repo = source.spec().repoUrl();
    long size = sizeOf(into);
    if (tooBig.get() || size > policy.maxRepoBytes()) {
      clear(into);
      throw new BuildException(
          BuildException.Failure.GIT,
          "repository "
              + repo
              + " is larger than the limit of "
              + policy.maxRepoBytes()
              + " bytes (berth.sources.max-repo-bytes)");
    }
    if (System.nanoTime() > deadline) {
      clear(into);
      throw new BuildException(
          BuildException.Failure.TIMEOUT,
          "fetching " + repo + " took longer than " + policy.fetchTimeout().toSeconds() + " s");
    }
    return size;
  }

  /**
   * Checks every HTTP connection JGit opens, redirects included, against the same host rules as the
   * URL the user gave: a server cannot send Berth on to an internal address. The host is resolved
   * again at connection time, which narrows DNS rebinding to the moment between the check and the
   * connect.
   */
  private void guard(Transport transport) {
    if (transport instanceof TransportHttp http) {
      HttpConnectionFactory inner = http.getHttpConnectionFactory();
      http.setHttpConnectionFactory(
          new HttpConnectionFactory() {
            @Override
            public HttpConnection create(URL url) throws IOException {
              check(url);
              return inner.create(url);
            }

            @Override
            public HttpConnection create(URL url, Proxy proxy) throws IOException {
              check(url);
              return inner.create(url, proxy);
            }
          });
    }
  }

  private void check(URL url) {
    validator.checkHost(
        url.getHost().replaceAll("^\\[|]$", "").toLowerCase(java.util.Locale.ROOT), url.toString());
  }

  private static void rethrowRefusal(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SourceRefusedException refused) {
        throw refused;
      }
    }
  }

  private int timeoutSeconds() {
    return (int) Math.max(1, policy.fetchTimeout().toSeconds());
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t.getMessage() + ")";
  }

  static long sizeOf(Path dir) {
    if (!Files.exists(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    } catch (IOException | UncheckedIOException e) {
      return 0;
    }
  }

  /** Removes everything under {@code dir} and {@code dir} itself. */
  public static void clear(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
              Files.delete(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      LOG.warn("could not remove {}: {}", dir, e.toString());
    }
  }
}
