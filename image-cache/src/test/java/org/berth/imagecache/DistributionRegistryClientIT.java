package org.berth.imagecache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.berth.imagecache.registry.DistributionRegistryClient;
import org.junit.jupiter.api.Test;

/** Against the real registry of the local stack. */
class DistributionRegistryClientIT {
  private final RegistryClient client = new DistributionRegistryClient(Duration.ofSeconds(5));

  @Test
  void findsDigestOfAnImageInTheRegistry() throws Exception {
    ImageRef base = ImageRef.parse(TestEnv.require("BERTH_JUPYTER_BASE_IMAGE"));
    Optional<ImageDigest> digest = client.find(base);
    assertTrue(digest.isPresent(), "base image " + base + " should be in the registry");
    Process p =
        new ProcessBuilder(
                "docker", "image", "inspect", "--format", "{{json .RepoDigests}}", base.toString())
            .redirectErrorStream(true)
            .start();
    String repoDigests = new String(p.getInputStream().readAllBytes());
    assertTrue(repoDigests.contains(digest.get().value()), repoDigests + " vs " + digest.get());
  }

  @Test
  void answersEmptyForATagTheRegistryDoesNotHave() {
    String registry = TestEnv.require("BERTH_REGISTRY");
    assertEquals(
        Optional.empty(),
        client.find(
            new ImageRef(registry, "berth/jupyter-base", "no-such-tag-" + System.nanoTime())));
    assertEquals(
        Optional.empty(), client.find(new ImageRef(registry, "berth/no-such-repo", "latest")));
  }

  @Test
  void failsNamingTheRegistryWhenItCannotBeReached() {
    RegistryUnavailableException e =
        assertThrows(
            RegistryUnavailableException.class,
            () -> client.find(new ImageRef("127.0.0.1:1", "berth/x", "latest")));
    assertTrue(e.getMessage().contains("127.0.0.1:1"), e.getMessage());
  }
}
