//! Traces and History over IPC: the filtered list of recorded exchanges (paged by cursor), the
//! hosts to filter by, export of a run or a selection as HAR or cURL, what is kept and how long,
//! a purge; and one history over check runs, deployments and agent conversations.

use serde::{Deserialize, Serialize};
use tauri::State;

use gateway_studio_core::checks::RunOutcome;
use gateway_studio_core::checks::runs::{Runs, now_ms};
use gateway_studio_core::playground::{ConversationState, History};
use gateway_studio_core::trace::export::{curl, har};
use gateway_studio_core::trace::{
    Purged, Retention, TraceExchange, TraceFilter, TracePage, TraceStats, TraceStoreError, Traces,
};

use crate::error::{AppError, InvalidInputDetails};
use crate::state::AppState;

fn trace_error(e: TraceStoreError) -> AppError {
    gateway_studio_core::checks::runs::RunStoreError::Trace(e).into()
}

/// A page of exchanges, newest first; pass the last page's `next` as `before` for the next.
#[tauri::command]
#[specta::specta]
pub async fn trace_query(
    state: State<'_, AppState>,
    filter: TraceFilter,
    before: Option<String>,
    limit: u32,
) -> Result<TracePage, AppError> {
    Traces::new(state.store()?)
        .query(&filter, before.as_deref(), limit)
        .await
        .map_err(trace_error)
}

/// The hosts exchanges went to, most used first.
#[tauri::command]
#[specta::specta]
pub async fn trace_hosts(state: State<'_, AppState>) -> Result<Vec<String>, AppError> {
    Traces::new(state.store()?)
        .hosts()
        .await
        .map_err(trace_error)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum TraceExportFormat {
    Har,
    Curl,
}

/// A run's exchanges, or the ones picked (`ids`, in the order given), as HAR 1.2 JSON or as
/// cURL commands whose secrets are `$VARIABLES`. Only redacted records are ever read.
#[tauri::command]
#[specta::specta]
pub async fn trace_export(
    state: State<'_, AppState>,
    run_id: Option<String>,
    ids: Vec<String>,
    format: TraceExportFormat,
) -> Result<String, AppError> {
    let traces = Traces::new(state.store()?);
    let mut records: Vec<TraceExchange> = match &run_id {
        Some(run) => traces.records_of_run(run).await.map_err(trace_error)?,
        None => Vec::new(),
    };
    for id in &ids {
        if let Some(record) = traces.get(id).await.map_err(trace_error)?
            && !records.iter().any(|r| r.id == record.id)
        {
            records.push(record);
        }
    }
    if records.is_empty() {
        return Err(AppError::InvalidInput {
            message: "Nothing to export: pick a run or some exchanges (they may have been purged)."
                .into(),
            details: InvalidInputDetails {
                field: "ids".into(),
            },
        });
    }
    Ok(match format {
        TraceExportFormat::Har => serde_json::to_string_pretty(&har(&records))
            .unwrap_or_else(|e| format!("{{\"error\": \"cannot write HAR: {e}\"}}")),
        TraceExportFormat::Curl => records
            .iter()
            .map(|r| format!("# {} · {} {}\n{}", r.label, r.method, r.url, curl(r)))
            .collect::<Vec<_>>()
            .join("\n"),
    })
}

/// What is kept, and the rule that keeps it.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TraceStorage {
    pub stats: TraceStats,
    pub retention: Retention,
}

#[tauri::command]
#[specta::specta]
pub async fn trace_storage(state: State<'_, AppState>) -> Result<TraceStorage, AppError> {
    let traces = Traces::new(state.store()?);
    Ok(TraceStorage {
        stats: traces.stats().await.map_err(trace_error)?,
        retention: traces.retention().await.map_err(trace_error)?,
    })
}

/// Saves the retention rule and applies it at once (it is applied again at every start).
#[tauri::command]
#[specta::specta]
pub async fn trace_retention_set(
    state: State<'_, AppState>,
    retention: Retention,
) -> Result<Purged, AppError> {
    if retention.days == Some(0) || retention.max_exchanges == Some(0) {
        return Err(AppError::InvalidInput {
            message: "Keep at least one day and one exchange, or leave the limit empty to keep everything; use Purge to delete all.".into(),
            details: InvalidInputDetails {
                field: if retention.days == Some(0) { "days" } else { "maxExchanges" }.into(),
            },
        });
    }
    let traces = Traces::new(state.store()?);
    traces
        .set_retention(&retention)
        .await
        .map_err(trace_error)?;
    traces
        .purge(&retention, now_ms())
        .await
        .map_err(trace_error)
}

/// Deletes every recorded exchange (or those older than `older_than_days`) and gives the space
/// back to the file system.
#[tauri::command]
#[specta::specta]
pub async fn trace_purge(
    state: State<'_, AppState>,
    older_than_days: Option<u32>,
) -> Result<Purged, AppError> {
    let rule = Retention {
        days: Some(older_than_days.unwrap_or(0)),
        max_exchanges: None,
    };
    Traces::new(state.store()?)
        .purge(&rule, now_ms() + 1)
        .await
        .map_err(trace_error)
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

/// Checks, deployments and agent conversations, newest first.
#[tauri::command]
#[specta::specta]
pub async fn history_list(
    state: State<'_, AppState>,
    limit: u32,
) -> Result<Vec<HistoryEntry>, AppError> {
    let store = state.store()?;
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
    for write in Traces::new(store)
        .deployments(limit)
        .await
        .map_err(trace_error)?
    {
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
