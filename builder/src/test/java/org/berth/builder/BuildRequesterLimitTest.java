package org.berth.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How many builds one requester may have waiting or running at once. */
class BuildRequesterLimitTest {

  /** Resolves any repository to a commit of its own; fetching waits until the test lets go. */
  final CountDownLatch release = new CountDownLatch(1);

  final RepoProvider slow =
      new RepoProvider() {
        @Override
        public boolean supports(SourceSpec spec) {
          return true;
        }

        @Override
        public ResolvedSource resolve(SourceSpec spec) {
          String commit = String.format("%040x", Math.abs((long) spec.repoUrl().hashCode()));
          return new ResolvedSource(spec, commit, spec.ref());
        }

        @Override
        public SourceTree fetch(ResolvedSource source, Path into) {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          throw new BuildException(BuildException.Failure.CANCELLED, "stopped by the test");
        }
      };

  final BuildService builds =
      new BuildService(
          List.of(slow),
          List.of(),
          new EmptyRegistry(),
          new InMemoryBuildStore(),
          new BuilderConfig(
              "127.0.0.1:5000",
              "127.0.0.1:5000/base:1",
              "1",
              null,
              null,
              1,
              Duration.ofMinutes(1)));

  @AfterEach
  void stop() {
    release.countDown();
    builds.close();
  }

  @Test
  void aRequesterWithTheMostBuildsWaitingIsToldToWait() {
    builds.submit(spec("one"), "alice", 2);
    builds.submit(spec("two"), "alice", 2);

    TooManyBuildsException refused =
        assertThrows(TooManyBuildsException.class, () -> builds.submit(spec("three"), "alice", 2));
    assertTrue(refused.getMessage().contains("2 builds"), refused.getMessage());
    assertTrue(refused.retryAfter().toSeconds() > 0);
    assertEquals(BuildException.Failure.REFUSED, refused.failure());
    // Somebody else is not held up by alice's builds.
    builds.submit(spec("three"), "bob", 2);
  }

  @Test
  void joiningABuildOneAlreadyWaitsForCostsNothingMore() {
    BuildHandle first = builds.submit(spec("one"), "alice", 1);
    BuildHandle again = builds.submit(spec("one"), "alice", 1);
    assertEquals(first.id(), again.id());
  }

  @Test
  void aWithdrawnRequestMakesRoomForAnother() {
    BuildHandle first = builds.submit(spec("one"), "alice", 1);
    builds.submit(spec("one"), "bob", 1); // bob keeps the build alive
    assertThrows(TooManyBuildsException.class, () -> builds.submit(spec("two"), "alice", 1));
    builds.cancel(first.id(), "alice");
    builds.submit(spec("two"), "alice", 1);
  }

  private static SourceSpec spec(String name) {
    return SourceSpec.of("https://example.org/" + name + ".git", "main");
  }

  /** A registry that has nothing: every build is a new build. Nothing else is asked of it here. */
  static final class EmptyRegistry implements org.berth.imagecache.RegistryClient {
    @Override
    public Optional<org.berth.imagecache.ImageDigest> find(org.berth.imagecache.ImageRef ref) {
      return Optional.empty();
    }

    @Override
    public java.util.concurrent.CompletableFuture<Optional<org.berth.imagecache.RegistryImage>>
        read(org.berth.imagecache.ImageRef ref) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<org.berth.imagecache.RegistryImage> lastRead(
        org.berth.imagecache.ImageRef ref) {
      throw new UnsupportedOperationException();
    }

    @Override
    public java.util.concurrent.CompletableFuture<Optional<byte[]>> readBlob(
        org.berth.imagecache.ImageRef repository, org.berth.imagecache.BlobDigest digest) {
      throw new UnsupportedOperationException();
    }

    @Override
    public org.berth.imagecache.BlobUploads uploads(
        org.berth.imagecache.ImageRef target, int ahead) {
      throw new UnsupportedOperationException();
    }

    @Override
    public java.util.concurrent.CompletableFuture<Boolean> mount(
        org.berth.imagecache.ImageRef target, org.berth.imagecache.BlobDigest digest, String from) {
      throw new UnsupportedOperationException();
    }

    @Override
    public org.berth.imagecache.ImageDigest push(
        org.berth.imagecache.ImageRef target,
        org.berth.imagecache.PreparedImage image,
        java.util.Map<org.berth.imagecache.BlobDigest, String> sources) {
      throw new UnsupportedOperationException();
    }
  }
}
