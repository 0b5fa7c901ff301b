-- Agent playground conversations and their turns. Nothing here is a secret: replies, tool
-- calls and errors are redacted before they are written. `cleanup` tracks what a Foundry run
-- created (an agent version, a conversation) until it is deleted, so a crash's left-overs can
-- be found on the next start.
CREATE TABLE agent_conversations (
    id                      TEXT PRIMARY KEY NOT NULL,
    mode                    TEXT NOT NULL CHECK (mode IN ('local', 'foundry')),
    model                   TEXT NOT NULL,
    draft_id                TEXT,
    connection_name         TEXT NOT NULL,
    settings                TEXT NOT NULL,
    project_endpoint        TEXT,
    agent_name              TEXT,
    agent_version           TEXT,
    foundry_conversation_id TEXT,
    state                   TEXT NOT NULL CHECK (state IN ('open', 'ended', 'interrupted')),
    cleanup                 TEXT NOT NULL CHECK (cleanup IN ('none', 'pending', 'done', 'failed')),
    cleanup_error           TEXT,
    started_at_ms           INTEGER NOT NULL,
    ended_at_ms             INTEGER
) STRICT;

CREATE INDEX agent_conversations_by_start ON agent_conversations (started_at_ms DESC);
CREATE INDEX agent_conversations_by_cleanup ON agent_conversations (cleanup) WHERE cleanup IN ('pending', 'failed');

CREATE TABLE agent_turns (
    conversation_id TEXT NOT NULL REFERENCES agent_conversations (id) ON DELETE CASCADE,
    seq             INTEGER NOT NULL,
    record          TEXT NOT NULL,
    PRIMARY KEY (conversation_id, seq)
) STRICT;
