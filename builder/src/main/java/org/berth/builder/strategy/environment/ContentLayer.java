package org.berth.builder.strategy.environment;

import com.google.cloud.tools.jib.api.CacheDirectoryCreationException;
import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FileEntry;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import com.google.cloud.tools.jib.event.events.ProgressEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.berth.builder.BuildContext;
import org.berth.builder.BuildEvent;
import org.berth.builder.BuildException;
import org.berth.builder.BuildException.Failure;
import org.berth.imagecache.ImageDigest;
import org.berth.imagecache.ImageRef;

/**
 * Adds a repository's files (without {@code .git}) as one layer, owned by uid 1000, into {@code
 * /home/jovyan} on top of an image in the registry, and pushes the result to the registry with Jib
 * Core. No Docker engine step; base layers are mounted across repositories, not uploaded.
 */
final class ContentLayer {
  static final String HOME = "/home/jovyan";
  static final String OWNER = "1000:100";

  ImageDigest push(ImageRef base, Path root, BuildContext ctx) {
    FileEntriesLayer.Builder layer = FileEntriesLayer.builder().setName("content");
    Instant now = Instant.now();
    // The home itself must stay the user's: a new home volume copies its owner from the image, and
    // Jib would otherwise add /home/jovyan as root's.
    layer.addEntry(
        new FileEntry(
            root, AbsoluteUnixPath.get(HOME), FilePermissions.fromOctalString("755"), now, OWNER));
    java.util.concurrent.atomic.DoubleAdder progress =
        new java.util.concurrent.atomic.DoubleAdder();
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
    try {
      JibContainer container =
          Jib.from(RegistryImage.named(base.toString()))
              .addFileEntriesLayer(layer.build())
              .setCreationTime(now)
              .containerize(
                  Containerizer.to(RegistryImage.named(ctx.target().toString()))
                      .setAllowInsecureRegistries(true)
                      .setToolName("berth")
                      .addEventHandler(
                          ProgressEvent.class,
                          e -> {
                            progress.add(e.getAllocation().getFractionOfRoot() * e.getUnits());
                            double done = progress.sum();
                            ctx.events()
                                .accept(
                                    new BuildEvent.Progress("push", Math.round(done * 100), 100));
                          })
                      .addEventHandler(
                          LogEvent.class,
                          e -> {
                            if (e.getLevel() == LogEvent.Level.LIFECYCLE
                                || e.getLevel() == LogEvent.Level.ERROR) {
                              ctx.log(e.getMessage());
                            }
                          }));
      return ImageDigest.parse(container.getDigest().toString());
    } catch (RegistryException | ExecutionException e) {
      throw new BuildException(
          Failure.REGISTRY,
          "pushing the content layer of "
              + ctx.target()
              + " on "
              + base
              + " failed: "
              + e.getMessage(),
          e);
    } catch (IOException | CacheDirectoryCreationException | InvalidImageReferenceException e) {
      throw new BuildException(
          Failure.REGISTRY, "content layer of " + ctx.target() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BuildException(
          Failure.CANCELLED, "content layer of " + ctx.target() + " was interrupted");
    }
  }
}
