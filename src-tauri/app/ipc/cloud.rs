//! Which cloud the app works against; choosing the Sandbox starts the local emulators.

use serde::Serialize;
use tauri::State;

use gateway_studio_core::azure::CloudId;
use gateway_studio_core::settings::Settings;

use crate::error::AppError;
use crate::sandbox::{SandboxError, SandboxView};
use crate::state::AppState;

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct CloudStatus {
    pub cloud: CloudId,
    /// Set while the sandbox runs.
    pub sandbox: Option<SandboxView>,
}

/// The chosen cloud, and the sandbox when it runs. The Sandbox cloud does not start by
/// itself (start-up stays lean): the window calls `cloud_select` to start it.
#[tauri::command]
#[specta::specta]
pub async fn cloud_status(state: State<'_, AppState>) -> Result<CloudStatus, AppError> {
    let settings = Settings::load(state.store()?).await?;
    Ok(CloudStatus {
        cloud: settings.cloud,
        sandbox: state.sandbox.view().await,
    })
}

/// Remembers `cloud`; the Sandbox starts its emulators (and seeds a draft per sample gateway),
/// any other cloud stops them.
#[tauri::command]
#[specta::specta]
pub async fn cloud_select(
    state: State<'_, AppState>,
    cloud: CloudId,
) -> Result<CloudStatus, AppError> {
    let store = state.store()?;
    let _one_at_a_time = state.sandbox.choosing().await;
    let sandbox = if cloud == CloudId::Sandbox {
        let settings = Settings::load(store).await?;
        let network = settings.network.network_options().map_err(|message| {
            AppError::sandbox(
                message,
                "Fix or remove the CA bundle in Settings → Network.",
            )
        })?;
        let view = match state.sandbox.start(network, &state.drafts()?).await {
            Ok(view) => view,
            Err(SandboxError::Start(message)) => {
                return Err(AppError::sandbox(
                    message,
                    "Something else holds a loopback port the sandbox needs; try again (it falls back to free ports), or restart the app.",
                ));
            }
            // A keyring or database problem keeps its own kind (and its own advice).
            Err(SandboxError::Seed(e)) => return Err(e.into()),
        };
        Some(view)
    } else {
        state.sandbox.stop().await;
        None
    };
    // Saved after the sandbox started, so a failed start leaves the previous choice.
    let mut settings = Settings::load(store).await?;
    settings.cloud = cloud;
    settings.save(store).await?;
    Ok(CloudStatus { cloud, sandbox })
}
