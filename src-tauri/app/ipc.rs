//! The IPC surface. Each command parses its input, calls the core and maps the result; the
//! TypeScript bindings in `ui/src/lib/bindings.ts` are generated from this list
//! (`make bindings`), and a test fails when they are stale.

use serde::Serialize;
use tauri::State;

use gateway_studio_core::settings::Settings;
use gateway_studio_core::store::supported_schema_version;

use crate::error::AppError;
use crate::state::AppState;

pub fn specta_builder<R: tauri::Runtime>() -> tauri_specta::Builder<R> {
    tauri_specta::Builder::<R>::new().commands(tauri_specta::collect_commands![
        app_info,
        settings_get,
        settings_set,
        report_first_paint,
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

/// Saves the settings and returns what is now stored.
#[tauri::command]
#[specta::specta]
pub async fn settings_set(
    state: State<'_, AppState>,
    settings: Settings,
) -> Result<Settings, AppError> {
    let store = state.store()?;
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
