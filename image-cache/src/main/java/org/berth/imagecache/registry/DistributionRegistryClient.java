package org.berth.imagecache.registry;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.berth.imagecache.ImageDigest;
import org.berth.imagecache.ImageRef;
import org.berth.imagecache.RegistryClient;
import org.berth.imagecache.RegistryUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RegistryClient} over the OCI distribution HTTP API: {@code HEAD
 * /v2/<name>/manifests/<tag>}. Loopback registries are spoken to over plain HTTP, others over
 * HTTPS. Anonymous access only. The builder's Micronaut factory makes the bean.
 */
public class DistributionRegistryClient implements RegistryClient {
  private static final Logger LOG = LoggerFactory.getLogger(DistributionRegistryClient.class);
  static final String ACCEPT =
      String.join(
          ", ",
          "application/vnd.oci.image.manifest.v1+json",
          "application/vnd.oci.image.index.v1+json",
          "application/vnd.docker.distribution.manifest.v2+json",
          "application/vnd.docker.distribution.manifest.list.v2+json");

  private final HttpClient http;
  private final Duration timeout;

  public DistributionRegistryClient() {
    this(Duration.ofSeconds(10));
  }

  public DistributionRegistryClient(Duration timeout) {
    this.timeout = timeout;
    // HTTP/1.1 keep-alive: a plain-HTTP registry never upgrades to HTTP/2, and asking it to costs
    // about a millisecond per request on loopback (a cache hit is one request).
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
  }

  @Override
  public Optional<ImageDigest> find(ImageRef ref) {
    URI uri =
        URI.create(
            scheme(ref.registry())
                + "://"
                + ref.registry()
                + "/v2/"
                + ref.repository()
                + "/manifests/"
                + ref.tag());
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .method("HEAD", HttpRequest.BodyPublishers.noBody())
            .header("Accept", ACCEPT)
            .timeout(timeout)
            .build();
    HttpResponse<Void> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.discarding());
    } catch (IOException e) {
      throw new RegistryUnavailableException(
          "registry " + ref.registry() + " cannot be reached: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryUnavailableException("interrupted asking registry " + ref.registry(), e);
    }
    int status = response.statusCode();
    if (status == 404) {
      LOG.debug("{} not in registry", ref);
      return Optional.empty();
    }
    if (status != 200) {
      throw new RegistryUnavailableException(
          "registry " + ref.registry() + " answered " + status + " for " + ref);
    }
    return response
        .headers()
        .firstValue("Docker-Content-Digest")
        .map(ImageDigest::parse)
        .or(
            () -> {
              throw new RegistryUnavailableException(
                  "registry " + ref.registry() + " sent no digest for " + ref);
            });
  }

  /** Plain HTTP for loopback registries, as the Docker engine does; HTTPS elsewhere. */
  public static String scheme(String registry) {
    String host = registry.replaceFirst(":[0-9]+$", "");
    boolean loopback =
        host.equals("localhost")
            || host.endsWith(".localhost")
            || host.startsWith("127.")
            || host.equals("[::1]");
    return loopback ? "http" : "https";
  }
}
