package org.berth.volumes.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.berth.volumes.VolumeBackend;
import org.berth.volumes.VolumeException;

/**
 * Volumes as Docker named volumes of the local engine, labelled as Berth's. Files are read and
 * written through the engine's archive API on a helper container that mounts the volume and never
 * runs, so that Berth needs no access to the engine's own directories for this. Files written
 * belong to the notebook user (1000:100). Thread-safe.
 */
public final class DockerVolumes implements VolumeBackend {

  static final int UID = 1000;
  static final int GID = 100;
  private static final Duration USAGE_TTL = Duration.ofSeconds(30);

  private final DockerClient docker;
  private final DockerHttpClient http;
  private final String helperImage;
  private final long maxReadBytes;
  private final ObjectMapper json = new ObjectMapper();
  private volatile Map<String, Long> usage = Map.of();
  private volatile Instant usageAt = Instant.EPOCH;

  /**
   * @param helperImage an image present on the engine, used only to mount volumes (never run)
   * @param maxReadBytes the most a read may bring back
   */
  public DockerVolumes(String dockerHost, String helperImage, long maxReadBytes) {
    DefaultDockerClientConfig config =
        DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(dockerHost).build();
    this.http =
        new ApacheDockerHttpClient.Builder()
            .dockerHost(config.getDockerHost())
            .maxConnections(20)
            .connectionTimeout(Duration.ofSeconds(5))
            .responseTimeout(Duration.ofMinutes(5))
            .build();
    this.docker = DockerClientImpl.getInstance(config, http);
    this.helperImage = helperImage;
    this.maxReadBytes = maxReadBytes;
  }

  @Override
  public void create(String source, Map<String, String> labels) {
    if (made(source, labels)) {
      giveToTheNotebookUser(source);
    }
  }

  /**
   * No hand-over: the engine copies the image's home, its files and its owner (the notebook user),
   * into the empty volume at the first mount. That saves a helper container on a new user's first
   * launch, which is what many new users launching at once wait for.
   */
  @Override
  public void createHome(String source, Map<String, String> labels) {
    made(source, labels);
  }

  /** Makes the volume unless it exists; whether it made it. */
  private boolean made(String source, Map<String, String> labels) {
    try {
      docker.inspectVolumeCmd(source).exec();
      return false;
    } catch (NotFoundException e) {
      docker.createVolumeCmd().withName(source).withLabels(labels).exec();
      return true;
    } catch (DockerException e) {
      throw new VolumeException.Backend("The Docker engine refused the volume " + source + ".", e);
    }
  }

  @Override
  public void delete(String source) {
    try {
      docker.removeVolumeCmd(source).exec();
    } catch (NotFoundException e) {
      // never made, or deleted already
    } catch (ConflictException e) {
      throw new VolumeException.InUse(
          "A container still uses the volume; stop the servers that mount it first.");
    }
  }

  @Override
  public boolean exists(String source) {
    try {
      docker.inspectVolumeCmd(source).exec();
      return true;
    } catch (NotFoundException e) {
      return false;
    }
  }

  @Override
  public OptionalLong usage(String source) {
    if (Instant.now().isAfter(usageAt.plus(USAGE_TTL))) {
      refreshUsage();
    }
    Long size = usage.get(source);
    return size == null || size < 0 ? OptionalLong.empty() : OptionalLong.of(size);
  }

  /** Asks the engine for every volume's size at once ({@code GET /system/df}). */
  private synchronized void refreshUsage() {
    if (!Instant.now().isAfter(usageAt.plus(USAGE_TTL))) {
      return;
    }
    Map<String, Long> sizes = new HashMap<>();
    DockerHttpClient.Request request =
        DockerHttpClient.Request.builder()
            .method(DockerHttpClient.Request.Method.GET)
            .path("/system/df")
            .build();
    try (DockerHttpClient.Response response = http.execute(request)) {
      JsonNode body = json.readTree(response.getBody());
      for (JsonNode v : body.path("Volumes")) {
        sizes.put(v.path("Name").asText(), v.path("UsageData").path("Size").asLong(-1));
      }
    } catch (IOException | RuntimeException e) {
      // sizes stay unknown until the next try
    }
    usage = sizes;
    usageAt = Instant.now();
  }

  @Override
  public Map<String, byte[]> read(String source, String subPath) {
    return read(source, subPath, path -> true);
  }

  @Override
  public Map<String, byte[]> read(
      String source, String subPath, java.util.function.Predicate<String> keep) {
    String helper = helper(source, true);
    try (InputStream tar =
        docker.copyArchiveFromContainerCmd(helper, "/v/" + subPath + "/.").exec()) {
      return untar(tar, keep);
    } catch (NotFoundException e) {
      return Map.of();
    } catch (IOException e) {
      throw new VolumeException.Backend("Could not read the volume " + source + ".", e);
    } finally {
      remove(helper);
    }
  }

  @Override
  public void write(String source, String subPath, Map<String, byte[]> files) {
    if (files.isEmpty()) {
      return;
    }
    String helper = helper(source, false);
    try {
      Map<String, byte[]> rooted = new LinkedHashMap<>();
      String prefix = subPath.isEmpty() ? "" : subPath + "/";
      files.forEach((path, data) -> rooted.put(prefix + path, data));
      docker
          .copyArchiveToContainerCmd(helper)
          .withRemotePath("/v")
          .withTarInputStream(new ByteArrayInputStream(tar(rooted)))
          .withCopyUIDGID(true)
          .exec();
    } catch (DockerException e) {
      throw new VolumeException.Backend("Could not write into the volume " + source + ".", e);
    } finally {
      remove(helper);
    }
  }

  @Override
  public Map<String, byte[]> imageFiles(String image, String path) {
    ensureImage(image);
    String id =
        docker
            .createContainerCmd(image)
            .withLabels(Map.of("org.berth.helper", "true"))
            .exec()
            .getId();
    try (InputStream tar = docker.copyArchiveFromContainerCmd(id, path + "/.").exec()) {
      return untar(tar, p -> true);
    } catch (NotFoundException e) {
      return Map.of();
    } catch (IOException e) {
      throw new VolumeException.Backend("Could not read " + path + " of " + image + ".", e);
    } finally {
      remove(id);
    }
  }

  /**
   * A new volume's top directory belongs to root; the notebook user must be able to write in it. A
   * short container, with no network and only the capability to change owners, hands it over.
   */
  private void giveToTheNotebookUser(String source) {
    String id =
        docker
            .createContainerCmd(helperImage)
            .withLabels(Map.of("org.berth.helper", "true"))
            .withUser("0:0")
            .withEntrypoint("chown", UID + ":" + GID, "/v")
            .withCmd(List.of())
            .withNetworkDisabled(true)
            .withHostConfig(
                HostConfig.newHostConfig()
                    .withCapDrop(Capability.ALL)
                    .withCapAdd(Capability.CHOWN)
                    .withSecurityOpts(List.of("no-new-privileges"))
                    .withBinds(new Bind(source, new Volume("/v"), AccessMode.rw)))
            .exec()
            .getId();
    try {
      docker.startContainerCmd(id).exec();
      Integer status =
          docker
              .waitContainerCmd(id)
              .start()
              .awaitStatusCode(60, java.util.concurrent.TimeUnit.SECONDS);
      if (status == null || status != 0) {
        throw new VolumeException.Backend(
            "The new volume " + source + " could not be given to the notebook user.", null);
      }
    } finally {
      remove(id);
    }
  }

  /** A container that mounts the volume at {@code /v} and is never started. */
  private String helper(String source, boolean readOnly) {
    create(source, Map.of("org.berth.managed", "true"));
    return docker
        .createContainerCmd(helperImage)
        .withLabels(Map.of("org.berth.helper", "true"))
        .withNetworkDisabled(true)
        .withHostConfig(
            HostConfig.newHostConfig()
                .withBinds(
                    new Bind(source, new Volume("/v"), readOnly ? AccessMode.ro : AccessMode.rw)))
        .exec()
        .getId();
  }

  /** Pulls an image of a registry on this machine when the engine does not have it yet. */
  private void ensureImage(String image) {
    try {
      docker.inspectImageCmd(image).exec();
    } catch (NotFoundException e) {
      if (!image.startsWith("127.0.0.1:") && !image.startsWith("localhost:")) {
        throw new VolumeException.Backend("The image " + image + " is not on this machine.", e);
      }
      try {
        docker
            .pullImageCmd(image)
            .start()
            .awaitCompletion(5, java.util.concurrent.TimeUnit.MINUTES);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        throw new VolumeException.Backend("Interrupted while pulling " + image + ".", interrupted);
      }
    }
  }

  private void remove(String container) {
    try {
      docker.removeContainerCmd(container).withForce(true).withRemoveVolumes(false).exec();
    } catch (NotFoundException e) {
      // gone
    }
  }

  /** Regular files of a tar stream of one directory, by path below it; links are skipped. */
  private Map<String, byte[]> untar(InputStream in, java.util.function.Predicate<String> keep)
      throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    long total = 0;
    try (TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        if (!e.isFile()) {
          continue;
        }
        String name = e.getName();
        int slash = name.indexOf('/');
        String rel = slash < 0 ? name : name.substring(slash + 1);
        if (rel.isEmpty() || rel.startsWith("/") || rel.contains("../") || !keep.test(rel)) {
          continue;
        }
        total += e.getSize();
        if (total > maxReadBytes) {
          throw new VolumeException.Backend(
              "The volume holds more than " + (maxReadBytes >> 20) + " MiB to compare.", null);
        }
        files.put(rel, tar.readAllBytes());
      }
    }
    return files;
  }

  /** A tar of files (and their directories), owned by the notebook user. */
  static byte[] tar(Map<String, byte[]> files) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      Set<String> dirs = new TreeSet<>();
      for (String path : files.keySet()) {
        for (int i = path.indexOf('/'); i > 0; i = path.indexOf('/', i + 1)) {
          dirs.add(path.substring(0, i));
        }
      }
      for (String dir : dirs) {
        TarArchiveEntry d = new TarArchiveEntry(dir + "/");
        d.setMode(040755);
        owned(d);
        tar.putArchiveEntry(d);
        tar.closeArchiveEntry();
      }
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        TarArchiveEntry e = new TarArchiveEntry(f.getKey());
        e.setSize(f.getValue().length);
        e.setMode(0100644);
        owned(e);
        tar.putArchiveEntry(e);
        tar.write(f.getValue());
        tar.closeArchiveEntry();
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }

  private static void owned(TarArchiveEntry e) {
    e.setUserId(UID);
    e.setGroupId(GID);
    e.setUserName("jovyan");
    e.setGroupName("users");
    e.setModTime(Instant.now().toEpochMilli());
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
