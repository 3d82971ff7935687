package org.berth.portal.builds;

import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.berth.builder.BuildException;
import org.berth.builder.BuildRecord;
import org.berth.builder.BuildStore;
import org.berth.imagecache.ImageDigest;
import org.berth.imagecache.ImageRef;

/**
 * Builds recorded in Berth's database (H2 or PostgreSQL), so that a build's page and its log
 * outlive the build and a restart of Berth. Long logs keep their last {@value #MAX_LOG_LINES}
 * lines.
 */
@Singleton
class JdbcBuildStore implements BuildStore {

  static final int MAX_LOG_LINES = 5000;

  private final BuildRowRepository rows;

  JdbcBuildStore(BuildRowRepository rows) {
    this.rows = rows;
  }

  @Override
  public void save(BuildRecord r) {
    List<String> log = r.log();
    if (log.size() > MAX_LOG_LINES) {
      log = log.subList(log.size() - MAX_LOG_LINES, log.size());
    }
    rows.save(
        new BuildRow(
            r.id(),
            r.source(),
            r.ref(),
            r.commit(),
            r.image() == null ? null : r.image().toString(),
            r.digest() == null ? null : r.digest().toString(),
            r.strategy(),
            r.startedAt(),
            r.duration().toMillis(),
            r.outcome().name(),
            r.failure() == null ? null : r.failure().name(),
            r.message() == null || r.message().length() <= 4000
                ? r.message()
                : r.message().substring(0, 3999) + "…",
            String.join("\n", log)));
  }

  @Override
  public Optional<BuildRecord> find(String id) {
    return rows.findById(id).map(JdbcBuildStore::record);
  }

  @Override
  public List<BuildRecord> forCommit(String source, String commit) {
    return rows.findBySourceAndCommitShaOrderByStartedAtDesc(source, commit).stream()
        .map(JdbcBuildStore::record)
        .toList();
  }

  private static BuildRecord record(BuildRow row) {
    return new BuildRecord(
        row.id(),
        row.source(),
        row.ref(),
        row.commitSha(),
        row.image() == null ? null : ImageRef.parse(row.image()),
        row.digest() == null ? null : ImageDigest.parse(row.digest()),
        row.strategy(),
        row.startedAt(),
        Duration.ofMillis(row.durationMs()),
        BuildRecord.Outcome.valueOf(row.outcome()),
        row.failure() == null ? null : BuildException.Failure.valueOf(row.failure()),
        row.message(),
        row.log().isEmpty() ? List.of() : Arrays.asList(row.log().split("\n", -1)));
  }
}
