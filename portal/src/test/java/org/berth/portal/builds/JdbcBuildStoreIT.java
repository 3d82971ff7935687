package org.berth.portal.builds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.berth.builder.BuildException;
import org.berth.builder.BuildRecord;
import org.berth.builder.BuildStore;
import org.berth.imagecache.ImageDigest;
import org.berth.imagecache.ImageRef;
import org.berth.portal.support.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Build records in the real PostgreSQL: what the build page and the API read after a build. */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JdbcBuildStoreIT implements TestPropertyProvider {

  @Inject BuildStore store;

  @Override
  public Map<String, String> getProperties() {
    return TestDatabases.postgres();
  }

  @Test
  void recordsComeBackWithTheirLogAndNewestFirst() {
    assertTrue(store instanceof JdbcBuildStore, store.getClass().getName());
    String source = "git://127.0.0.1/" + UUID.randomUUID() + ".git";
    String commit = "a".repeat(40);
    Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    BuildRecord failed =
        new BuildRecord(
            UUID.randomUUID().toString(),
            source,
            "main",
            commit,
            ImageRef.parse("127.0.0.1:5000/berth/r:" + commit),
            null,
            "dockerfile",
            t0,
            Duration.ofMillis(1234),
            BuildRecord.Outcome.FAILED,
            BuildException.Failure.RECIPE,
            "Step 2 failed: 'exit 1'",
            List.of("Step 1/2 : FROM base", "", "héllo ✓ \"quoted\"", "Step 2/2 : RUN exit 1"));
    BuildRecord built =
        new BuildRecord(
            UUID.randomUUID().toString(),
            source,
            "v1",
            commit,
            ImageRef.parse("127.0.0.1:5000/berth/r:" + commit),
            ImageDigest.parse("sha256:" + "b".repeat(64)),
            "environment",
            t0.plusSeconds(5),
            Duration.ofSeconds(3),
            BuildRecord.Outcome.BUILT,
            null,
            "built",
            IntStream.range(0, JdbcBuildStore.MAX_LOG_LINES + 10)
                .mapToObj(i -> "line " + i)
                .toList());
    store.save(failed);
    store.save(built);

    assertEquals(failed, store.find(failed.id()).orElseThrow());
    BuildRecord back = store.find(built.id()).orElseThrow();
    assertEquals(JdbcBuildStore.MAX_LOG_LINES, back.log().size(), "long logs keep their end");
    assertEquals(
        "line " + (JdbcBuildStore.MAX_LOG_LINES + 9), back.log().get(back.log().size() - 1));
    assertEquals(built.digest(), back.digest());
    assertEquals(
        List.of(built.id(), failed.id()),
        store.forCommit(source, commit).stream().map(BuildRecord::id).toList());
    assertTrue(store.find("no-such-build").isEmpty());
  }
}
