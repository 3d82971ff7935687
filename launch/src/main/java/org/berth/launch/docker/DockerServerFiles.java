package org.berth.launch.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Frame;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.berth.launch.LaunchException;
import org.berth.launch.LaunchHandle;
import org.berth.launch.Mount;
import org.berth.launch.ServerFiles;

/**
 * Files in servers on the Docker engine. A server's in-memory volume is a named volume of the local
 * driver backed by tmpfs (so its files vanish whenever the container stops), owned by the server's
 * user with mode 0700. A file is copied in with the engine's archive API under a temporary name,
 * owned by the server's user with mode 0400, then renamed over the old one inside the server (so a
 * reader never sees half a file); the content travels only in the archive, never on a command line.
 * Thread-safe.
 */
public final class DockerServerFiles implements ServerFiles {

  private static final String USER = DockerLauncher.USER;
  private static final int UID = 1000;
  private static final int GID = 100;

  private final DockerClient docker;
  private final String instance;

  /**
   * @param dockerHost the engine's address, e.g. {@code unix:///var/run/docker.sock}
   * @param instance this Berth's instance id, written on the volumes it makes
   */
  public DockerServerFiles(String dockerHost, String instance) {
    this.docker = DockerClients.connect(dockerHost, 20, Duration.ofSeconds(30));
    this.instance = instance;
  }

  /** The in-memory volume Berth makes for a server id. */
  public static String volumeName(String serverId) {
    return "berth-credentials-" + serverId;
  }

  @Override
  public Mount memoryVolume(String serverId, String target) {
    String name = volumeName(serverId);
    try {
      docker.inspectVolumeCmd(name).exec();
    } catch (NotFoundException e) {
      try {
        docker
            .createVolumeCmd()
            .withName(name)
            .withDriver("local")
            .withDriverOpts(
                Map.of(
                    "type", "tmpfs",
                    "device", "tmpfs",
                    "o", "size=64k,uid=" + UID + ",gid=" + GID + ",mode=0700"))
            .withLabels(
                Map.of(
                    DockerLauncher.LABEL_MANAGED, "true", DockerLauncher.LABEL_INSTANCE, instance))
            .exec();
      } catch (DockerException created) {
        throw new LaunchException(
            "The Docker engine refused to make the credentials volume of a server: "
                + created.getMessage(),
            created);
      }
    }
    return new Mount(target, name, "", false);
  }

  @Override
  public void write(LaunchHandle handle, String path, byte[] content) {
    int slash = path.lastIndexOf('/');
    String dir = path.substring(0, slash);
    String file = path.substring(slash + 1);
    String temporary = "." + file + ".new";
    String container = handle.get(DockerLauncher.CONTAINER);
    try {
      docker
          .copyArchiveToContainerCmd(container)
          .withRemotePath(dir)
          .withTarInputStream(new ByteArrayInputStream(tar(temporary, content)))
          .exec();
      int code = run(container, "mv", "-f", dir + "/" + temporary, path);
      if (code != 0) {
        // An image without mv: write the file in place (a reader may then see it missing briefly).
        docker
            .copyArchiveToContainerCmd(container)
            .withRemotePath(dir)
            .withTarInputStream(new ByteArrayInputStream(tar(file, content)))
            .exec();
      }
    } catch (DockerException e) {
      throw new LaunchException(
          "The Docker engine refused to write a file into a server: " + e.getMessage(), e);
    }
  }

  @Override
  public void delete(LaunchHandle handle, String path) {
    try {
      run(handle.get(DockerLauncher.CONTAINER), "rm", "-f", path);
    } catch (NotFoundException e) {
      // The server is gone, and the file with it.
    } catch (DockerException e) {
      throw new LaunchException(
          "The Docker engine refused to delete a file in a server: " + e.getMessage(), e);
    }
  }

  @Override
  public void discard(String serverId) {
    try {
      docker.removeVolumeCmd(volumeName(serverId)).exec();
    } catch (NotFoundException e) {
      // Never made, or gone already.
    } catch (DockerException e) {
      throw new LaunchException(
          "The Docker engine refused to remove a server's credentials volume: " + e.getMessage(),
          e);
    }
  }

  /** Runs a command as the server's user in the running container; answers its exit code. */
  private int run(String container, String... command) {
    String id =
        docker
            .execCreateCmd(container)
            .withUser(USER)
            .withCmd(command)
            .withAttachStdout(true)
            .withAttachStderr(true)
            .exec()
            .getId();
    try {
      docker
          .execStartCmd(id)
          .exec(new ResultCallback.Adapter<Frame>())
          .awaitCompletion(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
    Long code = docker.inspectExecCmd(id).exec().getExitCodeLong();
    return code == null ? -1 : code.intValue();
  }

  private static byte[] tar(String name, byte[] content) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      TarArchiveEntry entry = new TarArchiveEntry(name);
      entry.setSize(content.length);
      entry.setIds(UID, GID);
      entry.setMode(0100400);
      entry.setModTime(System.currentTimeMillis());
      tar.putArchiveEntry(entry);
      tar.write(content);
      tar.closeArchiveEntry();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
