//! One history over runs of every kind, for the History page: check runs, deployments (the
//! connection PUTs and DELETEs recorded in the trace) and agent conversations, newest first.

use serde::{Deserialize, Serialize};

use crate::checks::RunOutcome;
use crate::checks::runs::{RunStoreError, Runs};
use crate::playground::{ConversationState, History, HistoryError};
use crate::store::Store;
use crate::trace::{TraceStoreError, Traces};

#[derive(Debug, thiserror::Error)]
pub enum HistoryListError {
    #[error(transparent)]
    Runs(#[from] RunStoreError),
    #[error(transparent)]
    Traces(#[from] TraceStoreError),
    #[error(transparent)]
    Conversations(#[from] HistoryError),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum HistoryKind {
    Check,
    Deployment,
    Agent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum HistoryOutcome {
    Passed,
    Warned,
    Failed,
    Cancelled,
    Interrupted,
    Running,
}

/// One run of any kind, for the History page.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    pub kind: HistoryKind,
    /// The check run, the conversation, or the trace run of the ARM write.
    pub id: String,
    /// The trace run to open (for a conversation, its turns have their own).
    pub trace_run_id: Option<String>,
    /// "Checks of llm-gw", "PUT llm-gw", "sandbox-openai/gpt-4o (local)".
    pub title: String,
    pub connection: Option<String>,
    pub outcome: HistoryOutcome,
    pub started_at_ms: u64,
    pub duration_ms: Option<u64>,
}

/// Checks, deployments and agent conversations, newest first, at most `limit` (1 to 500).
pub async fn list(store: &Store, limit: u32) -> Result<Vec<HistoryEntry>, HistoryListError> {
    let limit = limit.clamp(1, 500);
    let mut entries = Vec::new();
    for run in Runs::new(store).list(None, limit).await? {
        entries.push(HistoryEntry {
            kind: HistoryKind::Check,
            trace_run_id: Some(run.id.clone()),
            title: format!(
                "Checks of {}",
                run.connection_name.as_deref().unwrap_or("a connection")
            ),
            connection: run.connection_name.clone(),
            outcome: match run.outcome {
                RunOutcome::Passed => HistoryOutcome::Passed,
                RunOutcome::Warned => HistoryOutcome::Warned,
                RunOutcome::Failed => HistoryOutcome::Failed,
                RunOutcome::Cancelled => HistoryOutcome::Cancelled,
                RunOutcome::Interrupted => HistoryOutcome::Interrupted,
                RunOutcome::Running => HistoryOutcome::Running,
            },
            duration_ms: run
                .finished_at_ms
                .map(|f| f.saturating_sub(run.started_at_ms)),
            started_at_ms: run.started_at_ms,
            id: run.id,
        });
    }
    for write in Traces::new(store).deployments(limit).await? {
        let name = write
            .url
            .split('?')
            .next()
            .and_then(|p| p.rsplit('/').next())
            .map(str::to_string);
        let failed = write.error.is_some() || write.status.is_none_or(|s| s >= 400);
        entries.push(HistoryEntry {
            kind: HistoryKind::Deployment,
            id: write.id.clone(),
            trace_run_id: Some(write.run_id.clone()),
            title: format!(
                "{} {}",
                if write.method == "PUT" {
                    "Deploy"
                } else {
                    "Delete"
                },
                name.as_deref().unwrap_or("a connection")
            ),
            connection: name,
            outcome: if failed {
                HistoryOutcome::Failed
            } else {
                HistoryOutcome::Passed
            },
            started_at_ms: write.started_at_ms,
            duration_ms: Some(write.total_ms),
        });
    }
    for conversation in History::new(store).list(limit).await? {
        entries.push(HistoryEntry {
            kind: HistoryKind::Agent,
            id: conversation.id.clone(),
            trace_run_id: None,
            title: format!(
                "{} ({}, {} turn{})",
                conversation.model,
                conversation.mode.as_str(),
                conversation.turns,
                if conversation.turns == 1 { "" } else { "s" }
            ),
            connection: Some(conversation.connection_name.clone()),
            outcome: match conversation.state {
                ConversationState::Open => HistoryOutcome::Running,
                ConversationState::Interrupted => HistoryOutcome::Interrupted,
                ConversationState::Ended if conversation.failed_turns > 0 => HistoryOutcome::Warned,
                ConversationState::Ended => HistoryOutcome::Passed,
            },
            duration_ms: conversation
                .ended_at_ms
                .map(|e| e.saturating_sub(conversation.started_at_ms)),
            started_at_ms: conversation.started_at_ms,
        });
    }
    entries.sort_by_key(|e| std::cmp::Reverse(e.started_at_ms));
    entries.truncate(limit as usize);
    Ok(entries)
}
