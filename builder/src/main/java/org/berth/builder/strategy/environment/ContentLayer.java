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
import java.util.Set;
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
 */
final class ContentLayer {
  static final String HOME = "/home/jovyan";
  static final String OWNER = "1000:100";

  private final RegistryPush push = new RegistryPush(Duration.ofSeconds(30));

  ImageDigest push(ImageRef base, Path root, BuildContext ctx) {
    FileEntriesLayer.Builder layer = FileEntriesLayer.builder().setName("content");
    Instant now = Instant.now();
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
    Path gzip = null;
    try {
      ctx.events().accept(new BuildEvent.Progress("push", 0, 2));
      gzip = Files.createTempFile("berth-content", ".tar.gz");
      RegistryPush.Layer content = write(layer.build(), gzip);
      ctx.log("content layer " + content.digest() + " (" + content.size() + " bytes) on " + base);
      ctx.events().accept(new BuildEvent.Progress("push", 1, 2));
      ImageDigest digest =
          push.push(
              base,
              ctx.target(),
              content,
              now,
              "berth: repository content",
              Duration.ofMillis(ctx.millisLeft()));
      ctx.events().accept(new BuildEvent.Progress("push", 2, 2));
      return digest;
    } catch (IOException e) {
      throw new BuildException(
          Failure.REGISTRY, "content layer of " + ctx.target() + ": " + e.getMessage(), e);
    } finally {
      if (gzip != null) {
        try {
          Files.deleteIfExists(gzip);
        } catch (IOException e) {
          // a temporary file left behind; nothing the user can act on
        }
      }
    }
  }

  /**
   * Writes the layer as Jib's reproducible tar, gzipped, and computes both digests in the one pass:
   * the plain tar's (the configuration's diff id) and the gzip's (the manifest's layer digest).
   */
  private static RegistryPush.Layer write(FileEntriesLayer layer, Path gzip) throws IOException {
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
    }
    return new RegistryPush.Layer(
        gzip, RegistryPush.digestOf(packed), Files.size(gzip), RegistryPush.digestOf(plain));
  }
}
