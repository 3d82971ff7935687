package org.berth.builder.strategy.environment;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.berth.builder.BuildContext;
import org.berth.builder.BuildEvent;
import org.berth.builder.BuildException;
import org.berth.builder.BuildException.Failure;
import org.berth.builder.SourceFile;
import org.berth.builder.SourceFiles;
import org.berth.imagecache.BlobDigest;
import org.berth.imagecache.BlobUploads;
import org.berth.imagecache.ImageCacheException;
import org.berth.imagecache.ImageDigest;
import org.berth.imagecache.ImageRef;
import org.berth.imagecache.Layer;
import org.berth.imagecache.LayerIndex;
import org.berth.imagecache.MissingBlobsException;
import org.berth.imagecache.PreparedImage;
import org.berth.imagecache.RegistryClient;
import org.berth.imagecache.RegistryImage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds a repository's files (without {@code .git}) to an image in the registry as content layers in
 * {@code /home/jovyan}, owned by uid 1000, with no Docker engine step. The files are cut into
 * layers by {@link LayerPlan} from what git lists; a layer whose key the {@link LayerIndex} knows
 * is used as it is (never read, written or uploaded again), and only the others are written —
 * straight from git's object store into the upload, a few at a time, while later ones are still
 * waiting. Nothing holds a layer whole except the small ones (up to {@link #IN_MEMORY} bytes,
 * uploaded in one request on a session opened ahead).
 *
 * <p>Layers are plain tar (not gzip): their bytes depend only on their entries, so the same files
 * give the same digest on any machine, whatever its compression library, and no time goes into
 * compressing data files that are mostly compressed already. Every entry has a fixed time, owner
 * 1000:100 and mode 644 (755 for executables and folders); links are stored as links.
 *
 * <p>The steps overlap where they can: the layers are written in the background ({@link #start})
 * while the caller reads the base ({@link #read}, which is also the environment image's existence
 * check), and the upload sessions ({@link #open}) can be opened before the source is even fetched.
 */
final class ContentLayer {
  private static final Logger LOG = LoggerFactory.getLogger(ContentLayer.class);
  static final String HOME = "/home/jovyan";
  static final int UID = 1000;
  static final int GID = 100;

  /** Every entry's time: one second past the epoch, as Jib gives its reproducible layers. */
  static final long MTIME = 1;

  /** Changes whenever the bytes of a layer for the same entries would change. */
  static final String FORMAT = "berth-content-layer/1 " + HOME + " " + UID + ":" + GID + " t1";

  /** Layers up to this size are written into memory and uploaded in one request. */
  static final long IN_MEMORY = 1024 * 1024;

  /** Upload sessions opened ahead: the first small layer and the configuration. */
  static final int AHEAD = 2;

  private final RegistryClient registry;
  private final LayerIndex index;

  /**
   * Index entries still being written. A build does not wait for them (the index is a cache, and
   * the image is complete without it); tests that start a second Berth right after a build do.
   */
  private final Set<CompletableFuture<Void>> recording = ConcurrentHashMap.newKeySet();

  private final ExecutorService writers = writers();

  ContentLayer(RegistryClient registry) {
    this(registry, new LayerIndex(registry));
  }

  ContentLayer(RegistryClient registry, LayerIndex index) {
    this.registry = registry;
    this.index = index;
  }

  /**
   * Starts reading a base for a content image of {@code target}; empty when it is not there. A base
   * in another registry than the target's is refused at once, before any request.
   */
  CompletableFuture<Optional<RegistryImage>> read(ImageRef base, ImageRef target) {
    if (!base.registry().equals(target.registry())) {
      throw new BuildException(
          Failure.REGISTRY,
          "the content layer of "
              + target
              + " needs its base "
              + base
              + " in the same registry ("
              + target.registry()
              + "); push the base image there");
    }
    return registry.read(base);
  }

  /** The last read of {@code base} that found it, if any. */
  Optional<RegistryImage> known(ImageRef base) {
    return registry.lastRead(base);
  }

  /** Opens the upload sessions a content image of {@code target} will need. */
  BlobUploads open(ImageRef target) {
    return registry.uploads(target, AHEAD);
  }

  /** The whole content image in one call: base read, layers written, fresh upload sessions. */
  ImageDigest push(ImageRef base, SourceFiles files, BuildContext ctx) {
    CompletableFuture<Optional<RegistryImage>> read = read(base, ctx.target());
    try (BlobUploads uploads = open(ctx.target());
        Pending layers = start(files, uploads, ctx)) {
      RegistryImage found = await(read, "reading " + base).orElseThrow(() -> missing(base));
      return layers.push(found, read);
    }
  }

  /**
   * Plans the layers of {@code files}, looks them up and starts writing and uploading the ones the
   * index does not know, into {@code uploads}' repository. Close the result when done: work not
   * finished by then is stopped.
   */
  Pending start(SourceFiles files, BlobUploads uploads, BuildContext ctx) {
    return new Pending(LayerPlan.of(files.list()), files, uploads, ctx);
  }

  /** Waits until the index entries of the layers written so far are in the registry. */
  void awaitIndexRecords() {
    for (CompletableFuture<Void> record : List.copyOf(recording)) {
      record.join();
    }
  }

  /**
   * Two layers written at a time (or one per core): each is read, hashed and sent as it goes, so
   * more would only compete for the same cores. Idle threads end after a while.
   */
  private static ExecutorService writers() {
    int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "berth-content-layer");
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /** A base that is not in the registry: named, with the registry's answer. */
  static BuildException missing(ImageRef base) {
    return new BuildException(
        Failure.REGISTRY, "the base image " + base + " is not in the registry (404 Not Found)");
  }

  /** Waits for registry work; a failure surfaces as a {@link BuildException}. */
  static <T> T await(CompletableFuture<T> future, String what) {
    try {
      return future.join();
    } catch (CompletionException e) {
      throw asBuildException(what, e.getCause());
    } catch (CancellationException e) {
      throw new BuildException(Failure.CANCELLED, what + " was cancelled");
    }
  }

  static BuildException asBuildException(String what, Throwable e) {
    if (e instanceof CompletionException c && c.getCause() != null) {
      e = c.getCause();
    }
    if (e instanceof BuildException b) {
      return b;
    }
    if (e instanceof ImageCacheException i) {
      return new BuildException(Failure.REGISTRY, i.getMessage(), i);
    }
    if (e instanceof UncheckedIOException u) {
      return new BuildException(
          Failure.GIT, what + ": the repository's files cannot be read: " + u.getMessage(), u);
    }
    return new BuildException(Failure.REGISTRY, what + ": " + e, e);
  }

  /**
   * The base moved in the registry between the read a push started from and the manifest: nothing
   * was tagged; push again from a fresh read.
   */
  static final class BaseChanged extends BuildException {
    BaseChanged(ImageRef base) {
      super(Failure.REGISTRY, base + " changed in the registry while an image was pushed on it");
    }
  }

  /**
   * One content layer, written or found: its blob, and when the registry has it (a small layer's
   * digest is known, and the image's configuration can be made, before its upload ends).
   */
  private record Done(
      LayerPlan.Part part, Layer layer, boolean reused, CompletableFuture<Void> stored) {}

  private static final CompletableFuture<Void> STORED = CompletableFuture.completedFuture(null);

  /** A small layer written in memory. */
  private record InMemory(Layer layer, byte[] tar) {}

  /** The content layers of one build: being looked up, written and uploaded. */
  final class Pending implements AutoCloseable {
    private final List<LayerPlan.Part> parts;
    private final SourceFiles files;
    private final BlobUploads uploads;
    private final BuildContext ctx;
    private final Instant created = Instant.now();
    private final List<CompletableFuture<Done>> done = new ArrayList<>();
    private final List<Future<?>> tasks = new ArrayList<>();
    private final AtomicInteger finished = new AtomicInteger();
    private volatile boolean closed;
    private volatile boolean pushing;

    private Pending(
        List<LayerPlan.Part> parts, SourceFiles files, BlobUploads uploads, BuildContext ctx) {
      this.parts = parts;
      this.files = files;
      this.uploads = uploads;
      this.ctx = ctx;
      String host = uploads.target().registry();
      for (LayerPlan.Part part : parts) {
        CompletableFuture<Done> one = new CompletableFuture<>();
        done.add(one);
        one.thenCompose(Done::stored).thenRun(this::progress);
        Optional<Layer> known = index.known(host, part.key());
        if (known.isPresent()) {
          one.complete(new Done(part, known.get(), true, STORED));
          continue;
        }
        CompletableFuture<Optional<Layer>> found = index.find(host, part.key());
        if (estimate(part) <= IN_MEMORY) {
          // Small: written in memory while the index is asked, uploaded only if it does not know
          // it.
          CompletableFuture<InMemory> written = new CompletableFuture<>();
          submit(() -> written.complete(inMemory(part)), written);
          found
              .thenCombine(
                  written,
                  (f, w) -> f.isPresent() ? new Done(part, f.get(), true, STORED) : upload(part, w))
              .whenComplete(
                  (d, e) -> {
                    if (e != null) {
                      one.completeExceptionally(e);
                    } else {
                      one.complete(d);
                    }
                  });
        } else {
          found.whenComplete(
              (f, e) -> {
                if (f != null && f.isPresent()) {
                  one.complete(new Done(part, f.get(), true, STORED));
                } else {
                  submit(() -> one.complete(write(part)), one);
                }
              });
        }
      }
    }

    /** Runs {@code work} on a writer thread; its failure fails {@code result}. */
    private void submit(Runnable work, CompletableFuture<?> result) {
      synchronized (tasks) {
        if (closed) {
          result.cancel(false);
          return;
        }
        tasks.add(
            writers.submit(
                () -> {
                  try {
                    work.run();
                  } catch (Throwable e) {
                    result.completeExceptionally(e);
                  }
                }));
      }
    }

    /**
     * A layer is in the registry. Progress is only told once the push has begun (layers are often
     * ready while the environment is still being built): then at once, and as each layer lands.
     */
    private void progress() {
      int now = finished.incrementAndGet();
      if (pushing) {
        ctx.events().accept(new BuildEvent.Progress("push", now, total()));
      }
    }

    private long total() {
      return parts.size() + 1L;
    }

    /** A small layer's tar, written in memory. */
    private InMemory inMemory(LayerPlan.Part part) {
      try (SourceFiles.Contents contents = files.open()) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) estimate(part));
        writeTar(part, contents, bytes);
        byte[] tar = bytes.toByteArray();
        return new InMemory(Layer.uncompressed(BlobDigest.of(tar), tar.length), tar);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Uploads a small layer in the background; its digest is known at once. */
    private Done upload(LayerPlan.Part part, InMemory written) {
      Duration timeout = Duration.ofMillis(ctx.millisLeft());
      return stored(
          part, written.layer(), uploads.put(written.layer().digest(), written.tar(), timeout));
    }

    /** Writes one layer from the store and uploads it: streamed when large, else from memory. */
    private Done write(LayerPlan.Part part) {
      if (estimate(part) <= IN_MEMORY) {
        return upload(part, inMemory(part));
      }
      Duration timeout = Duration.ofMillis(ctx.millisLeft());
      try (SourceFiles.Contents contents = files.open()) {
        BlobUploads.Written streamed =
            uploads.stream(out -> writeTar(part, contents, out), timeout);
        return stored(part, Layer.uncompressed(streamed.digest(), streamed.size()), STORED);
      }
    }

    /** A written layer: logged once the registry has it, then recorded in the index. */
    private Done stored(LayerPlan.Part part, Layer layer, CompletableFuture<Void> upload) {
      Duration timeout = Duration.ofMillis(ctx.millisLeft());
      CompletableFuture<Void> stored =
          upload.thenRun(
              () ->
                  ctx.log(
                      "content layer "
                          + part.label()
                          + ": "
                          + layer.digest()
                          + ", "
                          + layer.size()
                          + " bytes uploaded"));
      CompletableFuture<Void> record =
          stored
              .thenCompose(v -> index.record(part.key(), layer, uploads.target(), timeout))
              .exceptionally(
                  e -> {
                    LOG.warn("could not record content layer {} in the index: {}", layer, e);
                    return null;
                  });
      recording.add(record);
      record.whenComplete((v, e) -> recording.remove(record));
      return new Done(part, layer, false, stored);
    }

    /**
     * Pushes the layers on {@code base} as the build's target; {@code current} is a fresh read of
     * the base that must agree before anything is tagged, or {@link BaseChanged} is thrown. May be
     * called again after that, with another base: the layers are not written again.
     */
    ImageDigest push(RegistryImage base, CompletableFuture<Optional<RegistryImage>> current) {
      if (!pushing) {
        pushing = true;
        ctx.events().accept(new BuildEvent.Progress("push", finished.get(), total()));
      }
      List<Done> layers = new ArrayList<>();
      for (CompletableFuture<Done> one : done) {
        layers.add(await(one, "writing the content layers"));
      }
      ctx.checkStillWanted();
      List<Layer> added = new ArrayList<>();
      List<String> history = new ArrayList<>();
      Map<BlobDigest, String> sources = new HashMap<>();
      base.layers().forEach(l -> sources.put(l.digest(), base.ref().repository()));
      long uploaded = 0;
      int reused = 0;
      for (Done d : layers) {
        added.add(d.layer());
        history.add("berth: repository content " + d.part().label());
        if (d.reused()) {
          reused++;
          sources.putIfAbsent(d.layer().digest(), index.repository());
        } else {
          uploaded += d.layer().size();
        }
      }
      PreparedImage image = base.plus(added, history, created);
      Duration timeout = Duration.ofMillis(ctx.millisLeft());
      List<CompletableFuture<Void>> stored = new ArrayList<>();
      layers.forEach(d -> stored.add(d.stored()));
      stored.add(uploads.put(image.configDigest(), image.config(), timeout));
      await(
          CompletableFuture.allOf(stored.toArray(CompletableFuture[]::new)),
          "uploading the content layers and the image configuration");
      uploaded += image.config().length;
      Optional<RegistryImage> now = await(current, "reading " + base.ref());
      if (now.isEmpty() || !now.get().digest().equals(base.digest())) {
        throw new BaseChanged(base.ref());
      }
      ImageDigest digest;
      try {
        digest = registry.push(ctx.target(), image, sources);
      } catch (MissingBlobsException e) {
        uploaded += uploadAgain(layers, e.missing());
        digest = pushOrFail(image, sources);
      } catch (ImageCacheException e) {
        throw asBuildException("pushing " + ctx.target(), e);
      }
      ctx.events().accept(new BuildEvent.Progress("push", total(), total()));
      ctx.events()
          .accept(
              new BuildEvent.StepRan(
                  "content-layer", false, summary(layers.size(), reused, uploaded, base.ref())));
      return digest;
    }

    /**
     * Layers the index named but the registry no longer has (deleted from the index repository):
     * written and uploaded again. A missing base layer is the registry's fault.
     */
    private long uploadAgain(List<Done> layers, List<BlobDigest> missing) {
      Set<BlobDigest> gone = new HashSet<>(missing);
      long bytes = 0;
      for (Done d : layers) {
        if (gone.remove(d.layer().digest())) {
          Done written = write(d.part());
          await(written.stored(), "uploading " + d.part().label());
          Layer again = written.layer();
          if (!again.equals(d.layer())) {
            throw new BuildException(
                Failure.REGISTRY,
                "content layer "
                    + d.part().label()
                    + " came out as "
                    + again.digest()
                    + " where the layer index said "
                    + d.layer().digest());
          }
          bytes += again.size();
        }
      }
      if (!gone.isEmpty()) {
        throw new BuildException(
            Failure.REGISTRY,
            "registry "
                + ctx.target().registry()
                + " lacks blobs of the base image or configuration of "
                + ctx.target()
                + ": "
                + gone);
      }
      return bytes;
    }

    private ImageDigest pushOrFail(PreparedImage image, Map<BlobDigest, String> sources) {
      try {
        return registry.push(ctx.target(), image, sources);
      } catch (ImageCacheException e) {
        throw asBuildException("pushing " + ctx.target(), e);
      }
    }

    /** Stops writing and uploading what is not finished. */
    @Override
    public void close() {
      synchronized (tasks) {
        closed = true;
        for (Future<?> task : tasks) {
          task.cancel(true);
        }
      }
      done.forEach(d -> d.cancel(false));
    }
  }

  /** The layer's tar: {@code home/}, the home, then each entry after the folders above it. */
  static void writeTar(LayerPlan.Part part, SourceFiles.Contents contents, OutputStream out)
      throws IOException {
    TarWriter tar = new TarWriter(out, MTIME);
    // The home itself must stay the user's: a new home volume copies its owner from the image.
    tar.directory("home/", 0, 0, 0755);
    tar.directory("home/jovyan/", UID, GID, 0755);
    Set<String> folders = new HashSet<>();
    for (SourceFile f : part.files()) {
      String parent = f.parent();
      List<String> missing = new ArrayList<>();
      while (!parent.isEmpty() && folders.add(parent)) {
        missing.add(0, parent);
        int slash = parent.lastIndexOf('/');
        parent = slash < 0 ? "" : parent.substring(0, slash);
      }
      for (String folder : missing) {
        tar.directory("home/jovyan/" + folder + "/", UID, GID, 0755);
      }
      String name = "home/jovyan/" + f.path();
      switch (f.kind()) {
        case FILE, EXECUTABLE -> {
          try (InputStream in = contents.open(f)) {
            tar.file(name, UID, GID, f.kind() == SourceFile.Kind.FILE ? 0644 : 0755, f.size(), in);
          }
        }
        case SYMLINK -> {
          try (InputStream in = contents.open(f)) {
            tar.symlink(name, new String(in.readAllBytes(), StandardCharsets.UTF_8), UID, GID);
          }
        }
        case SUBMODULE -> {
          if (folders.add(f.path())) {
            tar.directory(name + "/", UID, GID, 0755);
          }
        }
      }
    }
    tar.finish();
  }

  /** An upper bound of the layer's size, to choose between memory and streaming. */
  static long estimate(LayerPlan.Part part) {
    long bytes = 4L * TarWriter.BLOCK;
    for (SourceFile f : part.files()) {
      // a header, its PAX header, a folder or two, and the padded bytes
      bytes += 4L * TarWriter.BLOCK + TarWriter.sizeOf(f.size());
    }
    return bytes;
  }

  static String summary(int layers, int reused, long uploaded, ImageRef base) {
    return layers
        + " content layer"
        + (layers == 1 ? "" : "s")
        + " on "
        + base
        + ": "
        + reused
        + " reused, "
        + (layers - reused)
        + " written, "
        + readable(uploaded)
        + " uploaded ("
        + uploaded
        + " bytes)";
  }

  /** Bytes as a person reads them: {@code 10.5 kB}, {@code 210 MB}. */
  static String readable(long bytes) {
    if (bytes < 1000) {
      return bytes + " B";
    }
    String[] units = {"kB", "MB", "GB", "TB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1000 && unit < units.length - 1) {
      value /= 1000;
      unit++;
    }
    return (value < 100 ? String.format("%.1f", value) : String.format("%.0f", value))
        + " "
        + units[unit];
  }
}
