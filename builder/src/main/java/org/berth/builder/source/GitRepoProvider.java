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
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.berth.builder.BuildException;
import org.berth.builder.RepoProvider;
import org.berth.builder.ResolvedSource;
import org.berth.builder.SourceFile;
import org.berth.builder.SourcePolicy;
import org.berth.builder.SourceRefusedException;
import org.berth.builder.SourceSpec;
import org.berth.builder.SourceTree;
import org.berth.builder.UnknownRefException;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ProgressMonitor;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.TagOpt;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.TransportHttp;
import org.eclipse.jgit.transport.http.HttpConnection;
import org.eclipse.jgit.transport.http.HttpConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Git sources (plain URLs, {@code gh}, {@code gl}, {@code git}) through JGit. Refs are resolved
 * with {@code ls-remote}, without cloning. A short SHA is matched against the advertised refs only;
 * a short SHA that no branch or tag points at is refused (give the full SHA).
 *
 * <p>Fetches are shallow (depth 1) and watched for size and time. They go into a persistent bare
 * mirror of the repository ({@link GitMirrors}), which remembers the last few fetched commits so
 * the next fetch downloads only new objects, and the commit's files are written out of the mirror
 * without a {@code .git} directory. With submodules enabled each fetch is a fresh clone with a
 * working tree instead.
 */
public final class GitRepoProvider implements RepoProvider {
  private static final Logger LOG = LoggerFactory.getLogger(GitRepoProvider.class);

  /** Where fetched commits are kept in a mirror: {@code refs/berth/c/<sha>}. */
  private static final String KEPT = "refs/berth/c/";

  /**
   * How many kept commits a mirror remembers: enough for the next fetch to name recent commits as
   * {@code have}s, few enough that negotiation stays short.
   */
  private static final int KEPT_COMMITS = 4;

  /**
   * Files this large are left out of the checkout until a build asks for the whole of it: a build
   * that only adds the content as layers reads them from the mirror, and only when their layer
   * changed (writing out 200 MB of unchanged data took longer than a whole notebook-only build).
   */
  static final long DEFER_FROM = 1024 * 1024;

  private final SourcePolicy policy;
  private final SourceValidator validator;
  private final GitMirrors mirrors;

  public GitRepoProvider(SourcePolicy policy) {
    this(policy, new SourceValidator(policy));
  }

  public GitRepoProvider(SourcePolicy policy, SourceValidator validator) {
    this.policy = policy;
    this.validator = validator;
    this.mirrors = new GitMirrors(policy.cacheDir(), policy.cacheMaxBytes());
    GitDaemonTransport.install();
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
    FetchLimits limits = new FetchLimits(source.spec().repoUrl(), policy);
    try {
      if (policy.submodules()) {
        return fetchWorkTree(source, into, limits);
      }
      return mirrors.locked(
          source.canonicalRepo(),
          limits,
          mirror -> fetchThroughMirror(source, mirror, into, limits));
    } catch (RuntimeException e) {
      clear(into);
      throw e;
    }
  }

  /**
   * Fetches into the repository's mirror and writes the commit's files out of it. A mirror that
   * fails in an unexpected way (corrupt, or history rewritten under it) is deleted and the fetch
   * made once more from scratch; one made by this fetch is deleted on any failure, and so is one
   * that went over the size limit.
   */
  private SourceTree fetchThroughMirror(
      ResolvedSource source, Path mirror, Path into, FetchLimits overall) {
    for (int attempt = 1; ; attempt++) {
      boolean existed = Files.isDirectory(mirror);
      FetchLimits limits = overall.again();
      try {
        return fetchOnce(source, mirror, into, limits);
      } catch (BuildException e) {
        clear(into);
        boolean broken = e instanceof BrokenMirrorException;
        if (broken || limits.tooBig() || !existed) {
          clear(mirror); // under the mirror's lock
        }
        if (!broken || !existed || attempt > 1) {
          throw e;
        }
        LOG.warn(
            "mirror of {} failed ({}); fetching it again from scratch",
            source.spec().repoUrl(),
            e.getMessage());
      }
    }
  }

  private SourceTree fetchOnce(ResolvedSource source, Path mirror, Path into, FetchLimits limits) {
    String repo = source.spec().repoUrl();
    ObjectId commit = ObjectId.fromString(source.commit());
    String kept = KEPT + source.commit();
    try (Repository git = GitMirrors.openOrCreate(mirror)) {
      boolean had = git.exactRef(kept) != null;
      if (!had) {
        long before = sizeOf(mirror);
        download(source, git, kept, limits.watch(mirror, before));
        limits.downloaded(sizeOf(mirror) - before);
        ObjectId fetched = git.resolve(kept + "^{commit}");
        if (!commit.equals(fetched)) {
          RefUpdate drop = git.updateRef(kept);
          drop.setForceUpdate(true);
          drop.delete();
          throw moved(source, fetched);
        }
      }
      List<SourceFile> files = new ExportTreeStep(git, repo, limits).run(commit, into, DEFER_FROM);
      forgetOldCommits(git, kept);
      LOG.info(
          "fetched {} at {} ({} bytes downloaded{}, {} bytes of files)",
          repo,
          source.commit(),
          limits.downloadedBytes(),
          had ? ", commit already mirrored" : "",
          limits.writtenBytes());
      return new SourceTree(
          into,
          source,
          new GitSourceFiles(
              mirrors, source.canonicalRepo(), repo, policy, into, files, DEFER_FROM));
    } catch (BuildException e) {
      throw e;
    } catch (GitAPIException | IOException | RuntimeException e) {
      rethrowRefusal(e);
      limits.check();
      throw new BrokenMirrorException(
          "cannot fetch " + source.commit() + " from " + repo + ": " + rootMessage(e), e);
    }
  }

  /**
   * Shallow fetch of the commit into {@code ref}. The commits of the other kept refs are sent as
   * {@code have}s, so the server sends only what they lack.
   */
  private void download(ResolvedSource source, Repository git, String ref, ProgressMonitor monitor)
      throws GitAPIException, IOException {
    String want = ObjectId.isId(source.fetchRef()) ? source.commit() : source.fetchRef();
    Git.wrap(git)
        .fetch()
        .setRemote(source.spec().repoUrl())
        .setRefSpecs(new RefSpec(want + ":" + ref))
        .setDepth(1)
        .setTagOpt(TagOpt.NO_TAGS)
        .setTimeout(timeoutSeconds())
        .setTransportConfigCallback(this::guard)
        .setProgressMonitor(monitor)
        .call();
    ObjectId commit = ObjectId.fromString(source.commit());
    if (want.equals(source.commit()) && git.getObjectDatabase().has(commit)) {
      // JGit fetches a commit named by its SHA without updating the refspec's destination.
      RefUpdate keep = git.updateRef(ref);
      keep.setNewObjectId(commit);
      keep.setForceUpdate(true);
      keep.update();
    }
  }

  /** Keeps the refs of the newest few commits (and the one just used), deleting the others. */
  private static void forgetOldCommits(Repository git, String current) throws IOException {
    List<Ref> refs = git.getRefDatabase().getRefsByPrefix(KEPT);
    if (refs.size() <= KEPT_COMMITS) {
      return;
    }
    List<Ref> byAge = new ArrayList<>();
    Map<Ref, Integer> times = new HashMap<>();
    try (RevWalk walk = new RevWalk(git)) {
      for (Ref r : refs) {
        if (!r.getName().equals(current)) {
          times.put(r, walk.parseCommit(r.getObjectId()).getCommitTime());
          byAge.add(r);
        }
      }
    }
    byAge.sort(Comparator.comparing((Ref r) -> times.get(r)).reversed());
    for (Ref r : byAge.subList(KEPT_COMMITS - 1, byAge.size())) {
      RefUpdate drop = git.updateRef(r.getName());
      drop.setForceUpdate(true);
      drop.delete();
    }
  }

  private static BuildException moved(ResolvedSource source, ObjectId fetched) {
    return new BuildException(
        BuildException.Failure.GIT,
        source.fetchRef()
            + " of "
            + source.spec().repoUrl()
            + " moved while fetching (expected "
            + source.commit()
            + ", got "
            + (fetched == null ? "nothing" : fetched.name())
            + "); try again");
  }

  /**
   * With submodules: a per-build repository and working tree in {@code into}, since submodules are
   * fetched into a working tree.
   */
  private SourceTree fetchWorkTree(ResolvedSource source, Path into, FetchLimits limits) {
    String repo = source.spec().repoUrl();
    ProgressMonitor monitor = limits.watch(into, 0);
    try (Git git = Git.init().setDirectory(into.toFile()).call()) {
      StoredConfig config = git.getRepository().getConfig();
      config.setString("remote", "origin", "url", repo);
      config.save();
      download(source, git.getRepository(), "refs/berth/build", monitor);
      ObjectId fetched = git.getRepository().resolve("refs/berth/build^{commit}");
      if (fetched == null || !fetched.name().equals(source.commit())) {
        throw moved(source, fetched);
      }
      git.checkout().setName(source.commit()).setProgressMonitor(monitor).call();
      git.submoduleInit().call();
      git.submoduleUpdate()
          .setTransportConfigCallback(this::guard)
          .setProgressMonitor(monitor)
          .call();
      long size = sizeOf(into);
      limits.downloaded(size);
      LOG.info("fetched {} at {} with submodules ({} bytes)", repo, source.commit(), size);
      return new SourceTree(into, source);
    } catch (GitAPIException | IOException | RuntimeException e) {
      clear(into);
      if (e instanceof BuildException b) {
        throw b;
      }
      rethrowRefusal(e);
      limits.check();
      throw new BuildException(
          BuildException.Failure.GIT,
          "cannot fetch " + source.commit() + " from " + repo + ": " + rootMessage(e),
          e);
    }
  }

  /** A fetch failed in a way that may be the mirror's fault. */
  private static final class BrokenMirrorException extends BuildException {
    BrokenMirrorException(String message, Throwable cause) {
      super(BuildException.Failure.GIT, message, cause);
    }
  }

  /**
   * Checks every HTTP connection JGit opens, redirects included, against the same host rules as the
   * URL the user gave: a server cannot send Berth on to an internal address. The host is resolved
   * again at connection time, which narrows DNS rebinding to the moment between the check and the
   * connect.
   */
  private void guard(Transport transport) {
    if (transport instanceof GitDaemonTransport git) {
      String url = git.getURI().toString();
      git.resolveWith(host -> validator.checkedAddresses(normalized(host), url));
    }
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
    validator.checkHost(normalized(url.getHost()), url.toString());
  }

  private static String normalized(String host) {
    return host.replaceAll("^\\[|]$", "").toLowerCase(java.util.Locale.ROOT);
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
      // A link's own size, never its target's: a repository's links may point anywhere.
      return files
          .filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
          .mapToLong(p -> p.toFile().length())
          .sum();
    } catch (IOException | UncheckedIOException e) {
      return 0;
    }
  }

  /** Removes everything under {@code dir} and {@code dir} itself. */
  public static void clear(Path dir) {
    // JGit may still be finishing work of its own in a mirror (an automatic gc's lock file, say):
    // files that vanish meanwhile are fine, files that appear meanwhile get another pass.
    IOException last = null;
    for (int attempt = 0; attempt < 5 && Files.exists(dir); attempt++) {
      try {
        Files.walkFileTree(
            dir,
            new SimpleFileVisitor<>() {
              @Override
              public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                  throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
              }

              @Override
              public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof java.nio.file.NoSuchFileException) {
                  return FileVisitResult.CONTINUE;
                }
                throw e;
              }

              @Override
              public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
              }
            });
        return;
      } catch (IOException e) {
        last = e;
        try {
          Thread.sleep(20);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    if (last != null && Files.exists(dir)) {
      LOG.warn("could not remove {}: {}", dir, last.toString());
    }
  }
}
