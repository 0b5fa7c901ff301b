//! Traces and History over IPC: the filtered list of recorded exchanges (paged by cursor), the
//! hosts to filter by, export of a run or a selection as HAR or cURL, what is kept and how long,
//! a purge; and one history over check runs, deployments and agent conversations.

use serde::{Deserialize, Serialize};
use tauri::State;

use gateway_studio_core::checks::runs::now_ms;
use gateway_studio_core::history::{self, HistoryEntry, HistoryListError};
use gateway_studio_core::trace::export::{curl_script, har};
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
        TraceExportFormat::Curl => curl_script(&records),
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
    if let Some((field, message)) = retention.problem() {
        return Err(AppError::InvalidInput {
            message: message.into(),
            details: InvalidInputDetails {
                field: field.into(),
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

/// Checks, deployments and agent conversations, newest first.
#[tauri::command]
#[specta::specta]
pub async fn history_list(
    state: State<'_, AppState>,
    limit: u32,
) -> Result<Vec<HistoryEntry>, AppError> {
    history::list(state.store()?, limit)
        .await
        .map_err(|e| match e {
            HistoryListError::Runs(e) => e.into(),
            HistoryListError::Traces(e) => trace_error(e),
            HistoryListError::Conversations(e) => e.into(),
        })
}
