-- The Traces viewer: filters by host and status, text search, and a cursor that pages by
-- (started_at_ms, rowid). `host` is filled on insert; rows before this migration get theirs
-- from the URL here.
ALTER TABLE trace_exchanges ADD COLUMN host TEXT NOT NULL DEFAULT '';

UPDATE trace_exchanges SET host = lower(
    CASE WHEN instr(substr(url, instr(url, '://') + 3), '/') > 0
         THEN substr(substr(url, instr(url, '://') + 3), 1, instr(substr(url, instr(url, '://') + 3), '/') - 1)
         ELSE substr(url, instr(url, '://') + 3)
    END);

CREATE INDEX trace_exchanges_by_kind ON trace_exchanges (kind, started_at_ms DESC);
CREATE INDEX trace_exchanges_by_host ON trace_exchanges (host, started_at_ms DESC);
CREATE INDEX trace_exchanges_by_status ON trace_exchanges (status, started_at_ms DESC);

-- What text search looks in: the label, the URL and both (redacted) bodies. External to the
-- table so deleting a row (purge) deletes its text with it.
CREATE VIRTUAL TABLE trace_text USING fts5 (label, url, bodies, content = '', contentless_delete = 1);

INSERT INTO trace_text (rowid, label, url, bodies)
    SELECT rowid, label, url,
        coalesce(json_extract(record, '$.requestBody'), '') || ' ' ||
        coalesce(json_extract(record, '$.response.body'), '')
    FROM trace_exchanges;

CREATE TRIGGER trace_exchanges_text_delete AFTER DELETE ON trace_exchanges BEGIN
    DELETE FROM trace_text WHERE rowid = old.rowid;
END;
