//! Playground conversations in SQLite: each conversation with its settings, its turns as they
//! finish, and what a Foundry run created until it is deleted. A conversation still `open`
//! when the app starts was cut short by a crash or a kill: it is marked `interrupted`, and if
//! it created anything in Foundry, that is offered for deletion ([`History::leftovers`]).

use serde::{Deserialize, Serialize};
use sqlx::Row;

use super::{PlaygroundMode, PlaygroundSettings, TurnRecord};
use crate::checks::runs::now_ms;
use crate::store::{Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("conversation {id} is unreadable: {reason}")]
    Corrupt { id: String, reason: String },
    #[error("no conversation {id}")]
    NotFound { id: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum ConversationState {
    Open,
    Ended,
    /// The app stopped while it was open.
    Interrupted,
}

/// What became of what a Foundry run created (an agent version, a conversation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum Cleanup {
    /// Nothing was created (local runs).
    None,
    /// Created and not deleted yet.
    Pending,
    Done,
    /// Deleting failed; `cleanup_error` says why.
    Failed,
}

impl ConversationState {
    fn parse(text: &str) -> Self {
        match text {
            "open" => Self::Open,
            "ended" => Self::Ended,
            _ => Self::Interrupted,
        }
    }
}

impl Cleanup {
    fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Pending => "pending",
            Self::Done => "done",
            Self::Failed => "failed",
        }
    }

    fn parse(text: &str) -> Self {
        match text {
            "pending" => Self::Pending,
            "done" => Self::Done,
            "failed" => Self::Failed,
            _ => Self::None,
        }
    }
}

/// The Foundry side of a conversation: where it ran and what it created there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct FoundryResources {
    pub project_endpoint: String,
    pub agent_name: String,
    pub agent_version: Option<String>,
    pub conversation_id: Option<String>,
}

/// A conversation as the History and the playground list it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ConversationSummary {
    pub id: String,
    pub mode: PlaygroundMode,
    /// `<connection>/<deployment>`.
    pub model: String,
    pub draft_id: Option<String>,
    pub connection_name: String,
    pub state: ConversationState,
    pub cleanup: Cleanup,
    pub cleanup_error: Option<String>,
    pub foundry: Option<FoundryResources>,
    pub started_at_ms: u64,
    pub ended_at_ms: Option<u64>,
    pub turns: u32,
    pub failed_turns: u32,
}

/// A conversation with its settings and turns, to reopen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ConversationRecord {
    pub summary: ConversationSummary,
    pub settings: PlaygroundSettings,
    pub turns: Vec<TurnRecord>,
}

/// The summary columns of conversations, then `$tail` (a literal: no SQL is built at run time).
macro_rules! summary_sql {
    ($tail:literal) => {
        concat!(
            "SELECT c.id, c.mode, c.model, c.draft_id, c.connection_name, c.project_endpoint, \
             c.agent_name, c.agent_version, c.foundry_conversation_id, c.state, c.cleanup, \
             c.cleanup_error, c.started_at_ms, c.ended_at_ms, \
             (SELECT COUNT(*) FROM agent_turns t WHERE t.conversation_id = c.id) AS turns, \
             (SELECT COUNT(*) FROM agent_turns t WHERE t.conversation_id = c.id \
                 AND json_extract(t.record, '$.error') IS NOT NULL) AS failed_turns \
             FROM agent_conversations c ",
            $tail
        )
    };
}

pub struct History<'a> {
    store: &'a Store,
}

impl<'a> History<'a> {
    pub fn new(store: &'a Store) -> Self {
        Self { store }
    }

    fn sqlx(&self, source: sqlx::Error) -> HistoryError {
        HistoryError::Store(StoreError::Sqlx {
            path: self.store.path().to_path_buf(),
            source,
        })
    }

    fn corrupt(id: &str, e: impl std::fmt::Display) -> HistoryError {
        HistoryError::Corrupt {
            id: id.to_string(),
            reason: e.to_string(),
        }
    }

    /// Records a new open conversation.
    pub async fn create(
        &self,
        id: &str,
        mode: PlaygroundMode,
        model: &str,
        draft_id: Option<&str>,
        connection_name: &str,
        settings: &PlaygroundSettings,
    ) -> Result<(), HistoryError> {
        let settings = serde_json::to_string(settings).map_err(|e| Self::corrupt(id, e))?;
        sqlx::query(
            "INSERT INTO agent_conversations (id, mode, model, draft_id, connection_name, settings, \
             state, cleanup, started_at_ms) VALUES (?, ?, ?, ?, ?, ?, 'open', 'none', ?)",
        )
        .bind(id)
        .bind(mode.as_str())
        .bind(model)
        .bind(draft_id)
        .bind(connection_name)
        .bind(settings)
        .bind(now_ms() as i64)
        .execute(self.store.pool())
        .await
        .map_err(|e| self.sqlx(e))?;
        Ok(())
    }

    /// Records a session that just started, with what it created in Foundry.
    pub async fn open(
        &self,
        session: &super::Session,
        draft_id: Option<&str>,
        connection_name: &str,
    ) -> Result<(), HistoryError> {
        self.create(
            &session.id,
            session.mode,
            &session.model,
            draft_id,
            connection_name,
            &session.settings,
        )
        .await?;
        match session.foundry_resources() {
            Some(resources) => self.set_foundry(&session.id, &resources).await,
            None => Ok(()),
        }
    }

    /// What a Foundry run created so far; from now on it is `pending` until deleted.
    pub async fn set_foundry(
        &self,
        id: &str,
        resources: &FoundryResources,
    ) -> Result<(), HistoryError> {
        sqlx::query(
            "UPDATE agent_conversations SET project_endpoint = ?, agent_name = ?, agent_version = ?, \
             foundry_conversation_id = ?, cleanup = 'pending', cleanup_error = NULL WHERE id = ?",
        )
        .bind(&resources.project_endpoint)
        .bind(&resources.agent_name)
        .bind(resources.agent_version.as_deref())
        .bind(resources.conversation_id.as_deref())
        .bind(id)
        .execute(self.store.pool())
        .await
        .map_err(|e| self.sqlx(e))?;
        Ok(())
    }

    pub async fn add_turn(&self, id: &str, turn: &TurnRecord) -> Result<(), HistoryError> {
        let json = serde_json::to_string(turn).map_err(|e| Self::corrupt(id, e))?;
        sqlx::query(
            "INSERT INTO agent_turns (conversation_id, seq, record) VALUES \
             (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM agent_turns WHERE conversation_id = ?), ?)",
        )
        .bind(id)
        .bind(id)
        .bind(json)
        .execute(self.store.pool())
        .await
        .map_err(|e| self.sqlx(e))?;
        Ok(())
    }

    /// Ends the conversation (kept open ones are `interrupted` at the next start).
    pub async fn end(&self, id: &str) -> Result<(), HistoryError> {
        sqlx::query(
            "UPDATE agent_conversations SET state = 'ended', ended_at_ms = COALESCE(ended_at_ms, ?) \
             WHERE id = ? AND state = 'open'",
        )
        .bind(now_ms() as i64)
        .bind(id)
        .execute(self.store.pool())
        .await
        .map_err(|e| self.sqlx(e))?;
        Ok(())
    }

    pub async fn set_cleanup(
        &self,
        id: &str,
        cleanup: Cleanup,
        error: Option<&str>,
    ) -> Result<(), HistoryError> {
        sqlx::query("UPDATE agent_conversations SET cleanup = ?, cleanup_error = ? WHERE id = ?")
            .bind(cleanup.as_str())
            .bind(error)
            .bind(id)
            .execute(self.store.pool())
            .await
            .map_err(|e| self.sqlx(e))?;
        Ok(())
    }

    /// Ends the conversation and records how deleting what it created in Foundry went
    /// (`cleaned`, as `Session::end` says); a failure stays a left-over to offer again.
    pub async fn close(
        &self,
        id: &str,
        mode: PlaygroundMode,
        cleaned: &Result<(), String>,
    ) -> Result<(), HistoryError> {
        self.end(id).await?;
        if mode == PlaygroundMode::Foundry {
            match cleaned {
                Ok(()) => self.set_cleanup(id, Cleanup::Done, None).await?,
                Err(problem) => self.set_cleanup(id, Cleanup::Failed, Some(problem)).await?,
            }
        }
        Ok(())
    }

    /// A Foundry start that failed half-way, whose creations could not be deleted: kept as an
    /// ended conversation with a failed cleanup, so it is offered for deletion.
    #[allow(clippy::too_many_arguments)]
    pub async fn record_leftover(
        &self,
        id: &str,
        model: &str,
        draft_id: Option<&str>,
        connection_name: &str,
        settings: &PlaygroundSettings,
        resources: &FoundryResources,
        problem: &str,
    ) -> Result<(), HistoryError> {
        self.create(
            id,
            PlaygroundMode::Foundry,
            model,
            draft_id,
            connection_name,
            settings,
        )
        .await?;
        self.set_foundry(id, resources).await?;
        self.end(id).await?;
        self.set_cleanup(id, Cleanup::Failed, Some(problem)).await
    }

    /// Marks conversations left `open` by a previous process as `interrupted`; returns how many.
    pub async fn mark_interrupted(&self) -> Result<u64, HistoryError> {
        let done = sqlx::query(
            "UPDATE agent_conversations SET state = 'interrupted' WHERE state = 'open'",
        )
        .execute(self.store.pool())
        .await
        .map_err(|e| self.sqlx(e))?;
        Ok(done.rows_affected())
    }

    fn summary(row: &sqlx::sqlite::SqliteRow) -> ConversationSummary {
        let foundry = row
            .get::<Option<String>, _>("project_endpoint")
            .map(|project_endpoint| FoundryResources {
                project_endpoint,
                agent_name: row
                    .get::<Option<String>, _>("agent_name")
                    .unwrap_or_default(),
                agent_version: row.get("agent_version"),
                conversation_id: row.get("foundry_conversation_id"),
            });
        ConversationSummary {
            id: row.get("id"),
            mode: PlaygroundMode::parse(row.get::<&str, _>("mode")),
            model: row.get("model"),
            draft_id: row.get("draft_id"),
            connection_name: row.get("connection_name"),
            state: ConversationState::parse(row.get::<&str, _>("state")),
            cleanup: Cleanup::parse(row.get::<&str, _>("cleanup")),
            cleanup_error: row.get("cleanup_error"),
            foundry,
            started_at_ms: row.get::<i64, _>("started_at_ms") as u64,
            ended_at_ms: row.get::<Option<i64>, _>("ended_at_ms").map(|v| v as u64),
            turns: row.get::<i64, _>("turns") as u32,
            failed_turns: row.get::<i64, _>("failed_turns") as u32,
        }
    }

    /// Newest first, at most `limit`.
    pub async fn list(&self, limit: u32) -> Result<Vec<ConversationSummary>, HistoryError> {
        let rows = sqlx::query(summary_sql!(
            "ORDER BY c.started_at_ms DESC, c.rowid DESC LIMIT ?"
        ))
        .bind(limit as i64)
        .fetch_all(self.store.pool())
        .await
        .map_err(|e| self.sqlx(e))?;
        Ok(rows.iter().map(Self::summary).collect())
    }

    /// Foundry conversations whose agent version or conversation was never deleted, and that
    /// no open session owns (they were interrupted, or their deletion failed).
    pub async fn leftovers(&self) -> Result<Vec<ConversationSummary>, HistoryError> {
        let rows = sqlx::query(summary_sql!(
            "WHERE c.cleanup IN ('pending', 'failed') AND c.state != 'open' \
             ORDER BY c.started_at_ms DESC"
        ))
        .fetch_all(self.store.pool())
        .await
        .map_err(|e| self.sqlx(e))?;
        Ok(rows.iter().map(Self::summary).collect())
    }

    pub async fn get(&self, id: &str) -> Result<ConversationRecord, HistoryError> {
        let row = sqlx::query(summary_sql!("WHERE c.id = ?"))
            .bind(id)
            .fetch_optional(self.store.pool())
            .await
            .map_err(|e| self.sqlx(e))?
            .ok_or_else(|| HistoryError::NotFound { id: id.to_string() })?;
        let summary = Self::summary(&row);
        let settings: String =
            sqlx::query_scalar("SELECT settings FROM agent_conversations WHERE id = ?")
                .bind(id)
                .fetch_one(self.store.pool())
                .await
                .map_err(|e| self.sqlx(e))?;
        let settings = serde_json::from_str(&settings).map_err(|e| Self::corrupt(id, e))?;
        let records: Vec<String> = sqlx::query_scalar(
            "SELECT record FROM agent_turns WHERE conversation_id = ? ORDER BY seq",
        )
        .bind(id)
        .fetch_all(self.store.pool())
        .await
        .map_err(|e| self.sqlx(e))?;
        let turns = records
            .iter()
            .map(|r| serde_json::from_str(r).map_err(|e| Self::corrupt(id, e)))
            .collect::<Result<_, _>>()?;
        Ok(ConversationRecord {
            summary,
            settings,
            turns,
        })
    }
}
