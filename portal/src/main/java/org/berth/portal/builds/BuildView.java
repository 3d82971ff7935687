package org.berth.portal.builds;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import org.berth.builder.BuildHandle;
import org.berth.builder.BuildRecord;
import org.berth.builder.BuiltImage;

/** A build as the API and the build page show it. */
@Serdeable
public record BuildView(
    String id,
    String status,
    String repo,
    @Nullable String ref,
    String commit,
    @Nullable String strategy,
    String image,
    @Nullable String digest,
    @Nullable String error,
    int queuePosition) {

  public static BuildView of(BuildRecord r) {
    String status =
        switch (r.outcome()) {
          case BUILT, CACHE_HIT -> "built";
          case FAILED -> "failed";
          case CANCELLED -> "cancelled";
        };
    return new BuildView(
        r.id(),
        status,
        r.source(),
        r.ref(),
        r.commit(),
        r.strategy(),
        r.image() == null ? "" : r.image().toString(),
        r.digest() == null ? null : r.digest().toString(),
        r.message(),
        0);
  }

  public static BuildView of(BuildHandle h) {
    String status = "running";
    String strategy = null;
    String digest = null;
    String error = null;
    if (h.result().isDone()) {
      try {
        BuiltImage built = h.result().join();
        status = "built";
        strategy = built.strategy();
        digest = built.digest().toString();
      } catch (RuntimeException e) {
        status = "failed";
        error = e.getCause() == null ? e.getMessage() : e.getCause().getMessage();
      }
    } else if (h.queuePosition() > 0) {
      status = "queued";
    }
    return new BuildView(
        h.id(),
        status,
        h.source().spec().repoUrl(),
        h.source().spec().ref(),
        h.source().commit(),
        strategy,
        h.target().toString(),
        digest,
        error,
        h.queuePosition());
  }
}
