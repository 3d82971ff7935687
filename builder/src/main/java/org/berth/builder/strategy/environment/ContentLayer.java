package org.berth.builder.strategy.environment;

import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FileEntry;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import com.google.cloud.tools.jib.image.ReproducibleLayerBuilder;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.berth.builder.BuildContext;
import org.berth.builder.BuildEvent;
import org.berth.builder.BuildException;
import org.berth.builder.BuildException.Failure;
import org.berth.imagecache.ImageDigest;
import org.berth.imagecache.ImageRef;

/**
 * Adds a repository's files (without {@code .git}) as one layer, owned by uid 1000, into {@code
 * /home/jovyan} on top of an image in the registry: Jib Core makes the layer (a reproducible tar:
 * fixed order, owner and permissions) and the image's configuration and manifest; {@link
 * RegistryPush} sends them to the registry. No Docker engine step; base layers are mounted across
 * repositories, not uploaded.
 *
 * <p>The steps overlap where they can: the layer is written in the background ({@link #start})
 * while the caller reads the base ({@link #read}, which is also the environment image's existence
 * check), and the upload sessions ({@link #open}) can be opened before the source is even fetched.
 */
final class ContentLayer {
  static final String HOME = "/home/jovyan";
  static final String OWNER = "1000:100";

  private final RegistryPush registry = new RegistryPush(Duration.ofSeconds(30));
  private final ExecutorService writers =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "berth-content-layer");
            t.setDaemon(true);
            return t;
          });

  /** Starts reading a base for a content image of {@code target}; empty when it is not there. */
  CompletableFuture<Optional<RegistryPush.Base>> read(ImageRef base, ImageRef target) {
    return registry.read(base, target);
  }

  /** The last read of {@code base} that found it, if any (see {@link RegistryPush#known}). */
  Optional<RegistryPush.Base> known(ImageRef base) {
    return registry.known(base);
  }

  /** Opens the upload sessions a content image of {@code target} will need. */
  RegistryPush.Uploads open(ImageRef target) {
    return registry.open(target);
  }

  /** Starts writing the layer of {@code root}'s files; close the result to drop its file. */
  Pending start(Path root) {
    Instant now = Instant.now();
    return new Pending(
        CompletableFuture.supplyAsync(() -> write(entries(root, now)), writers), now);
  }

  /** The whole content image in one call: base read, layer written, fresh upload sessions. */
  ImageDigest push(ImageRef base, Path root, BuildContext ctx) {
    CompletableFuture<Optional<RegistryPush.Base>> read = read(base, ctx.target());
    try (RegistryPush.Uploads uploads = open(ctx.target());
        Pending layer = start(root)) {
      RegistryPush.Base found =
          RegistryPush.await(read, "reading " + base).orElseThrow(() -> missing(base));
      return layer.push(found, read, uploads, ctx);
    }
  }

  /** A base that is not in the registry: named, with the registry's answer. */
  static BuildException missing(ImageRef base) {
    return new BuildException(
        Failure.REGISTRY, "the base image " + base + " is not in the registry (404 Not Found)");
  }

  /** A layer being written (or written), waiting for its base and upload sessions. */
  final class Pending implements AutoCloseable {
    private final CompletableFuture<RegistryPush.Layer> layer;
    private final Instant created;

    private Pending(CompletableFuture<RegistryPush.Layer> layer, Instant created) {
      this.layer = layer;
      this.created = created;
    }

    /**
     * Pushes the layer on {@code base} as the build's target; {@code current} is a fresh read of
     * the base that must agree before anything is tagged (see {@link RegistryPush#push}).
     */
    ImageDigest push(
        RegistryPush.Base base,
        CompletableFuture<Optional<RegistryPush.Base>> current,
        RegistryPush.Uploads uploads,
        BuildContext ctx) {
      ctx.events().accept(new BuildEvent.Progress("push", 0, 2));
      RegistryPush.Layer content = RegistryPush.await(layer, "writing the content layer");
      ctx.log(
          "content layer " + content.digest() + " (" + content.size() + " bytes) on " + base.ref());
      ctx.events().accept(new BuildEvent.Progress("push", 1, 2));
      ImageDigest digest =
          registry.push(
              base,
              current,
              ctx.target(),
              content,
              uploads,
              created,
              "berth: repository content",
              Duration.ofMillis(ctx.millisLeft()));
      ctx.events().accept(new BuildEvent.Progress("push", 2, 2));
      return digest;
    }

    /** Deletes the layer's file, now or once it is written. */
    @Override
    public void close() {
      layer.thenAccept(
          l -> {
            try {
              Files.deleteIfExists(l.gzip());
            } catch (IOException e) {
              // a temporary file left behind; nothing the user can act on
            }
          });
    }
  }

  private static FileEntriesLayer entries(Path root, Instant now) {
    FileEntriesLayer.Builder layer = FileEntriesLayer.builder().setName("content");
    // The home itself must stay the user's: a new home volume copies its owner from the image, and
    // Jib would otherwise add /home/jovyan as root's.
    layer.addEntry(
        new FileEntry(
            root, AbsoluteUnixPath.get(HOME), FilePermissions.fromOctalString("755"), now, OWNER));
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path rel = root.relativize(p);
        if (rel.toString().isEmpty()
            || rel.startsWith(".git") && rel.getName(0).toString().equals(".git")) {
          continue;
        }
        if (Files.isSymbolicLink(p)) {
          continue; // a link could point outside the checkout
        }
        String target = HOME + "/" + rel.toString().replace('\\', '/');
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
        layer.addEntry(
            new FileEntry(
                p,
                AbsoluteUnixPath.get(target),
                FilePermissions.fromPosixFilePermissions(perms),
                Files.getLastModifiedTime(p).toInstant(),
                OWNER));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return layer.build();
  }

  /**
   * Writes the layer as Jib's reproducible tar, gzipped, and computes both digests in the one pass:
   * the plain tar's (the configuration's diff id) and the gzip's (the manifest's layer digest).
   */
  private static RegistryPush.Layer write(FileEntriesLayer layer) {
    Path gzip;
    try {
      gzip = Files.createTempFile("berth-content", ".tar.gz");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    MessageDigest plain = RegistryPush.newSha256();
    MessageDigest packed = RegistryPush.newSha256();
    try (OutputStream file = Files.newOutputStream(gzip);
        DigestOutputStream packedOut = new DigestOutputStream(file, packed);
        GZIPOutputStream gz = new GZIPOutputStream(packedOut, 64 * 1024);
        DigestOutputStream plainOut = new DigestOutputStream(gz, plain)) {
      new ReproducibleLayerBuilder(
              com.google.common.collect.ImmutableList.copyOf(layer.getEntries()))
          .build()
          .writeTo(plainOut);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(gzip);
      } catch (IOException ignored) {
        // nothing more to do
      }
      throw new UncheckedIOException(e);
    }
    // The streams are closed: the gzip trailer is written and both digests are complete.
    return new RegistryPush.Layer(
        gzip, RegistryPush.digestOf(packed), gzip.toFile().length(), RegistryPush.digestOf(plain));
  }
}
