-- Connection drafts. `connection` is the JSON of the core's Connection model, which holds no
-- secret values: those live in the OS keyring under the ids in connection_draft_secrets.
CREATE TABLE connection_drafts (
    id         TEXT PRIMARY KEY NOT NULL,
    name       TEXT,
    connection TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

CREATE INDEX connection_drafts_by_update ON connection_drafts (updated_at DESC);

CREATE TABLE connection_draft_secrets (
    draft_id  TEXT NOT NULL REFERENCES connection_drafts (id) ON DELETE CASCADE,
    slot      TEXT NOT NULL CHECK (slot IN ('apiKey', 'clientSecret')),
    secret_id TEXT NOT NULL,
    PRIMARY KEY (draft_id, slot)
) STRICT;
