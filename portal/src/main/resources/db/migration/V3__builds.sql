-- Builds and cache hits, one row per build request, saved when it ends: what was built from which
-- commit, the image and its digest, how long it took, how it ended, and its log.
CREATE TABLE builds (
    id          VARCHAR(40)   PRIMARY KEY,
    source      VARCHAR(2000) NOT NULL,
    ref         VARCHAR(500)  NOT NULL,
    commit_sha  VARCHAR(64)   NOT NULL,
    image       VARCHAR(500),
    digest      VARCHAR(100),
    strategy    VARCHAR(40),
    started_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    duration_ms BIGINT        NOT NULL,
    outcome     VARCHAR(20)   NOT NULL,
    failure     VARCHAR(20),
    message     VARCHAR(4000),
    log         TEXT          NOT NULL
);
CREATE INDEX builds_source_commit ON builds (source, commit_sha);
