//! Gateway checks over IPC: start a run (progress streams through a channel), cancel it, list
//! and reopen runs, and open one traced exchange. The runner and its rules live in the core.

use serde::Serialize;
use tauri::State;
use tauri::ipc::Channel;

use gateway_studio_core::checks::runs::{RunRecord, RunStoreError, RunSummary, Runs, new_run_id};
use gateway_studio_core::checks::{
    CheckId, CheckOptions, CheckResult, CheckSecrets, RunEvent, RunOutcome,
};
use gateway_studio_core::connection::{Connection, SecretSlot};
use gateway_studio_core::secrets::Sensitive;
use gateway_studio_core::settings::Settings;
use gateway_studio_core::trace::{TraceExchange, TraceSummary, Traces};

use super::SecretValue;
use crate::error::{AppError, InvalidInputDetails, NotFoundDetails};
use crate::state::AppState;

/// Progress of a run, as the UI hears it.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(tag = "event", rename_all = "camelCase")]
pub enum CheckEvent {
    Started {
        id: CheckId,
        deployment: Option<String>,
    },
    /// An exchange was recorded (bodies stay in the database until opened).
    Exchange {
        exchange: TraceSummary,
    },
    Finished {
        result: CheckResult,
    },
    Done {
        outcome: RunOutcome,
    },
}

fn invalid(field: &str, message: String) -> AppError {
    AppError::InvalidInput {
        message,
        details: InvalidInputDetails {
            field: field.into(),
        },
    }
}

/// Starts checks on `connection` as it is in the editor (saved or not) and returns the run
/// id at once; results arrive on `on_event`. Secrets: values typed but not yet saved win,
/// then the draft's keyring entries. `bearer_token` is the stand-in token for project
/// managed identity; it is used for this run only and never stored.
#[tauri::command]
#[specta::specta]
pub async fn check_run_start(
    state: State<'_, AppState>,
    draft_id: Option<String>,
    connection: Connection,
    secrets: Vec<SecretValue>,
    bearer_token: Option<String>,
    options: CheckOptions,
    on_event: Channel<CheckEvent>,
) -> Result<String, AppError> {
    if options.timeout_secs == 0 || options.timeout_secs > 600 {
        return Err(invalid(
            "timeoutSecs",
            "The timeout must be between 1 and 600 seconds.".into(),
        ));
    }
    let store = state.store()?.clone();
    let typed = |slot: SecretSlot| {
        secrets
            .iter()
            .find(|s| s.slot == slot && !s.value.is_empty())
            .map(|s| Sensitive::new(s.value.clone()))
    };
    let stored = |slot| {
        let drafts = state.drafts();
        let id = draft_id.clone();
        async move {
            match (drafts, id) {
                (Ok(drafts), Some(id)) => drafts.secret(&id, slot).await.map_err(AppError::from),
                _ => Ok(None),
            }
        }
    };
    let api_key = match typed(SecretSlot::ApiKey) {
        Some(v) => Some(v),
        None => stored(SecretSlot::ApiKey).await?,
    };
    let client_secret = match typed(SecretSlot::ClientSecret) {
        Some(v) => Some(v),
        None => stored(SecretSlot::ClientSecret).await?,
    };
    let check_secrets = CheckSecrets {
        api_key,
        client_secret,
        bearer_token: bearer_token
            .filter(|t| !t.trim().is_empty())
            .map(|t| Sensitive::new(t.trim().to_string())),
    };
    let settings = Settings::load(&store).await?;
    let runner = state
        .checks
        .runner(&settings.network)
        .map_err(|message| invalid("caBundles", message))?;

    let run_id = new_run_id();
    let runs = Runs::new(&store);
    runs.create(
        &run_id,
        draft_id.as_deref(),
        connection.name.as_deref(),
        &options,
    )
    .await
    .map_err(AppError::from)?;
    let cancel = state.checks.register(&run_id);
    let service = state.checks.clone();
    let id = run_id.clone();
    tauri::async_runtime::spawn(async move {
        let (events, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let recorder = {
            let store = store.clone();
            let id = id.clone();
            let on_event = on_event.clone();
            tokio::spawn(async move {
                while let Some(event) = rx.recv().await {
                    if let Err(e) = Runs::new(&store).record(&id, &event).await {
                        tracing::warn!(run = %id, "cannot store a check event: {e}");
                    }
                    let out = match event {
                        RunEvent::Started { id, deployment } => {
                            CheckEvent::Started { id, deployment }
                        }
                        RunEvent::Exchange(x) => CheckEvent::Exchange {
                            exchange: x.summary(),
                        },
                        RunEvent::Finished(result) => CheckEvent::Finished { result: *result },
                    };
                    let _ = on_event.send(out);
                }
            })
        };
        let results = runner
            .run(
                &id,
                &connection,
                Vec::new(),
                check_secrets,
                &options,
                cancel.clone(),
                events,
            )
            .await;
        let _ = recorder.await;
        let outcome = RunOutcome::of(&results, cancel.is_cancelled());
        if let Err(e) = Runs::new(&store).finish(&id, outcome).await {
            tracing::warn!(run = %id, "cannot finish the run: {e}");
        }
        service.unregister(&id);
        tracing::info!(run = %id, outcome = outcome.as_str(), "check run finished");
        let _ = on_event.send(CheckEvent::Done { outcome });
    });
    Ok(run_id)
}

/// Stops a run: checks in progress end as skipped ("cancelled"). Unknown or finished runs
/// are ignored.
#[tauri::command]
#[specta::specta]
pub fn check_run_cancel(state: State<'_, AppState>, run_id: String) {
    state.checks.cancel(&run_id);
}

/// The newest runs (of one draft when `draft_id` is given).
#[tauri::command]
#[specta::specta]
pub async fn check_run_list(
    state: State<'_, AppState>,
    draft_id: Option<String>,
) -> Result<Vec<RunSummary>, AppError> {
    Runs::new(state.store()?)
        .list(draft_id.as_deref(), 50)
        .await
        .map_err(AppError::from)
}

/// One run with its results.
#[tauri::command]
#[specta::specta]
pub async fn check_run_get(
    state: State<'_, AppState>,
    run_id: String,
) -> Result<RunRecord, AppError> {
    Runs::new(state.store()?)
        .get(&run_id)
        .await
        .map_err(AppError::from)
}

/// One recorded exchange, redacted, with its (capped) bodies.
#[tauri::command]
#[specta::specta]
pub async fn trace_exchange_get(
    state: State<'_, AppState>,
    id: String,
) -> Result<TraceExchange, AppError> {
    let found = Traces::new(state.store()?)
        .get(&id)
        .await
        .map_err(|e| AppError::from(RunStoreError::from(e)))?;
    found.ok_or_else(|| AppError::NotFound {
        message: format!("no recorded exchange {id}: it may have been purged"),
        details: NotFoundDetails {
            what: "exchange".into(),
            id,
        },
    })
}
