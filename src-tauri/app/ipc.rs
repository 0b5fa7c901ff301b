//! The IPC surface. Each command parses its input, calls the core and maps the result; the
//! TypeScript bindings in `ui/src/lib/bindings.ts` are generated from this list
//! (`make bindings`), and a test fails when they are stale.

use serde::{Deserialize, Serialize};
use tauri::State;
use tauri::ipc::Channel;

use gateway_studio_core::connection::{
    Connection, ConnectionCategory, Finding, SecretSlot, validate,
};
use gateway_studio_core::drafts::{Draft, DraftSummary, ImportedDraft, SecretInput};
use gateway_studio_core::export::{ExportFormat, export, masked_put_body};
use gateway_studio_core::secrets::Sensitive;
use gateway_studio_core::settings::Settings;
use gateway_studio_core::store::supported_schema_version;

mod azure;
mod checks;
mod cloud;
mod playground;
mod traces;

pub use azure::SignInView;
pub use checks::CheckEvent;
pub use cloud::CloudStatus;

use crate::error::AppError;
use crate::state::AppState;

pub fn specta_builder<R: tauri::Runtime>() -> tauri_specta::Builder<R> {
    tauri_specta::Builder::<R>::new().commands(tauri_specta::collect_commands![
        app_info,
        settings_get,
        settings_set,
        report_first_paint,
        connection_list,
        connection_get,
        connection_template,
        connection_with_category,
        connection_inspect,
        connection_save,
        connection_delete,
        connection_export,
        connection_import,
        window_set_unsaved,
        window_watch_close,
        window_close_confirmed,
        checks::check_run_start,
        checks::check_run_cancel,
        checks::check_run_list,
        checks::check_run_get,
        checks::trace_exchange_get,
        cloud::cloud_status,
        cloud::cloud_select,
        azure::azure_sign_in_get,
        azure::azure_sign_in_set,
        azure::azure_whoami,
        azure::azure_subscriptions,
        azure::azure_resource_groups,
        azure::azure_accounts,
        azure::azure_projects,
        azure::azure_scope_get,
        azure::azure_scope_set,
        azure::azure_connections,
        azure::azure_connection_open,
        azure::azure_deploy_plan,
        azure::azure_deploy,
        azure::azure_connection_delete,
        azure::azure_deployments,
        azure::azure_trace_list,
        playground::playground_start,
        playground::playground_send,
        playground::playground_end,
        playground::playground_history,
        playground::playground_conversation,
        playground::playground_leftovers,
        playground::playground_clean_up,
        traces::trace_query,
        traces::trace_hosts,
        traces::trace_export,
        traces::trace_storage,
        traces::trace_retention_set,
        traces::trace_purge,
        traces::history_list,
    ])
}

/// Writes the TypeScript bindings for the commands and their types to `path`.
pub fn export_bindings(path: &std::path::Path) -> Result<(), String> {
    specta_builder::<tauri::Wry>()
        .dangerously_cast_bigints_to_number()
        .export(
            specta_typescript::Typescript::default().header("// @ts-nocheck\n/* eslint-disable */"),
            path,
        )
        .map_err(|e| e.to_string())
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub version: String,
    pub data_dir: String,
    pub log_dir: String,
    pub database_path: String,
    pub storage: StorageStatus,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(tag = "status", rename_all = "camelCase")]
pub enum StorageStatus {
    Ready {
        #[serde(rename = "schemaVersion")]
        schema_version: i64,
        #[serde(rename = "supportedSchemaVersion")]
        supported_schema_version: i64,
        /// Database file plus its write-ahead log.
        bytes: i64,
    },
    Unavailable {
        error: AppError,
    },
}

/// Version, folders and database health, for the title bar and Settings.
#[tauri::command]
#[specta::specta]
pub async fn app_info(state: State<'_, AppState>) -> Result<AppInfo, AppError> {
    let storage = match state.store() {
        Ok(store) => StorageStatus::Ready {
            schema_version: store.schema_version().await?,
            supported_schema_version: supported_schema_version(),
            bytes: i64::try_from(store.size_on_disk()).unwrap_or(i64::MAX),
        },
        Err(error) => StorageStatus::Unavailable { error },
    };
    Ok(AppInfo {
        version: gateway_studio_core::VERSION.to_string(),
        data_dir: state.paths.data_dir.display().to_string(),
        log_dir: state.paths.log_dir.display().to_string(),
        database_path: state.paths.database().display().to_string(),
        storage,
    })
}

#[tauri::command]
#[specta::specta]
pub async fn settings_get(state: State<'_, AppState>) -> Result<Settings, AppError> {
    Ok(Settings::load(state.store()?).await?)
}

/// Saves the settings (all but the cloud: see `cloud_select`) and returns what is now stored.
#[tauri::command]
#[specta::specta]
pub async fn settings_set(
    state: State<'_, AppState>,
    mut settings: Settings,
) -> Result<Settings, AppError> {
    let store = state.store()?;
    // The cloud changes only through `cloud_select`, which also starts or stops the sandbox;
    // a settings object the window loaded earlier must not switch it back.
    let stored = Settings::load(store).await?;
    settings.cloud = stored.cloud;
    // Once answered, the first-run screen stays answered, whatever an older client sends.
    settings.welcomed |= stored.welcomed;
    settings.save(store).await?;
    Ok(Settings::load(store).await?)
}

/// Called once by the UI after its first frame; returns milliseconds since the process began.
/// With `GATEWAY_STUDIO_BENCH=1` the figure is also printed for `make bench`.
#[tauri::command]
#[specta::specta]
pub fn report_first_paint(state: State<'_, AppState>) -> f64 {
    let ms = crate::since_start_ms();
    let mut first = state
        .first_paint_ms
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if first.is_none() {
        *first = Some(ms);
        tracing::info!(ms, "first paint");
        if std::env::var_os("GATEWAY_STUDIO_BENCH").is_some() {
            println!("first-paint-ms={ms:.1}");
        }
    }
    first.unwrap_or(ms)
}

/// Every saved connection draft, most recently changed first.
#[tauri::command]
#[specta::specta]
pub async fn connection_list(state: State<'_, AppState>) -> Result<Vec<DraftSummary>, AppError> {
    Ok(state.drafts()?.list().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn connection_get(state: State<'_, AppState>, id: String) -> Result<Draft, AppError> {
    Ok(state.drafts()?.get(&id).await?)
}

/// A new, unsaved draft with the category's defaults.
#[tauri::command]
#[specta::specta]
pub fn connection_template(category: ConnectionCategory) -> Connection {
    Connection::template(category)
}

/// The draft moved to another category: defaults follow, typed values stay.
#[tauri::command]
#[specta::specta]
pub fn connection_with_category(
    connection: Connection,
    category: ConnectionCategory,
) -> Connection {
    connection.with_category(category)
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Inspection {
    pub findings: Vec<Finding>,
    /// The exact ARM PUT body, pretty-printed, with secrets masked.
    pub arm_body: String,
}

/// Validation findings and the ARM body preview, recomputed as the user types.
#[tauri::command]
#[specta::specta]
pub fn connection_inspect(connection: Connection) -> Inspection {
    Inspection {
        findings: validate(&connection),
        arm_body: masked_put_body(&connection),
    }
}

/// A secret typed in the editor. It exists in the webview only while typed and goes straight
/// to the keyring.
#[derive(Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SecretValue {
    pub slot: SecretSlot,
    pub value: String,
}

/// Creates (`id` null) or replaces a draft; `secrets` are new values for their slots.
#[tauri::command]
#[specta::specta]
pub async fn connection_save(
    state: State<'_, AppState>,
    id: Option<String>,
    connection: Connection,
    secrets: Vec<SecretValue>,
) -> Result<Draft, AppError> {
    let secrets: Vec<SecretInput> = secrets
        .into_iter()
        .map(|s| SecretInput {
            slot: s.slot,
            value: Sensitive::new(s.value),
        })
        .collect();
    Ok(state
        .drafts()?
        .save(id.as_deref(), &connection, &secrets)
        .await?)
}

/// Deletes a draft and its keyring entries.
#[tauri::command]
#[specta::specta]
pub async fn connection_delete(state: State<'_, AppState>, id: String) -> Result<(), AppError> {
    Ok(state.drafts()?.delete(&id).await?)
}

/// The connection as text to deploy elsewhere; secrets are placeholders, never values.
#[tauri::command]
#[specta::specta]
pub fn connection_export(connection: Connection, format: ExportFormat) -> Result<String, AppError> {
    Ok(export(&connection, format)?)
}

/// A new draft from pasted or opened ARM JSON (PUT body, GET output, portal-style, an
/// export); real secrets in it go to the keyring.
#[tauri::command]
#[specta::specta]
pub async fn connection_import(
    state: State<'_, AppState>,
    text: String,
) -> Result<ImportedDraft, AppError> {
    Ok(state.drafts()?.import(&text).await?)
}

/// Whether closing the window now would lose unsaved work.
#[tauri::command]
#[specta::specta]
pub fn window_set_unsaved(state: State<'_, AppState>, unsaved: bool) {
    state.close_guard.set_unsaved(unsaved);
}

/// Where the UI hears about a close request it must confirm with the user.
#[tauri::command]
#[specta::specta]
pub fn window_watch_close(state: State<'_, AppState>, on_close_request: Channel<()>) {
    state.close_guard.listen(on_close_request);
}

/// The user chose to close after all: the held close request goes ahead.
#[tauri::command]
#[specta::specta]
pub fn window_close_confirmed(state: State<'_, AppState>) {
    state.close_guard.confirm();
}
