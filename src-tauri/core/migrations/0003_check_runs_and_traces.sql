-- Gateway check runs, their results, and the redacted trace of every HTTP exchange.
-- No column ever holds a secret: results and trace records are redacted before they are
-- written (core::trace::Redactor).
CREATE TABLE check_runs (
    id              TEXT PRIMARY KEY NOT NULL,
    draft_id        TEXT,
    connection_name TEXT,
    started_at_ms   INTEGER NOT NULL,
    finished_at_ms  INTEGER,
    outcome         TEXT NOT NULL CHECK (outcome IN ('running', 'passed', 'warned', 'failed', 'cancelled', 'interrupted')),
    options         TEXT NOT NULL
) STRICT;

CREATE INDEX check_runs_by_start ON check_runs (started_at_ms DESC);
CREATE INDEX check_runs_by_draft ON check_runs (draft_id, started_at_ms DESC);

CREATE TABLE check_results (
    run_id   TEXT NOT NULL REFERENCES check_runs (id) ON DELETE CASCADE,
    seq      INTEGER NOT NULL,
    result   TEXT NOT NULL,
    PRIMARY KEY (run_id, seq)
) STRICT;

-- `record` is the whole redacted exchange (JSON); the other columns serve lists and filters.
CREATE TABLE trace_exchanges (
    id            TEXT PRIMARY KEY NOT NULL,
    run_id        TEXT NOT NULL,
    label         TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('gateway', 'token', 'arm', 'foundry')),
    method        TEXT NOT NULL,
    url           TEXT NOT NULL,
    status        INTEGER,
    error         TEXT,
    started_at_ms INTEGER NOT NULL,
    total_ms      INTEGER NOT NULL,
    record        TEXT NOT NULL
) STRICT;

CREATE INDEX trace_exchanges_by_run ON trace_exchanges (run_id, started_at_ms);
CREATE INDEX trace_exchanges_by_start ON trace_exchanges (started_at_ms DESC);
