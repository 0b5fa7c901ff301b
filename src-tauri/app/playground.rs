//! The playground's open sessions (one per conversation being tried), and how the app builds
//! what a session needs: the draft's connection and keyring secret for a local run; a Foundry
//! data-plane client for the picked project, signed in as the Azure page is, for a Foundry run.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use gateway_studio_core::azure::CloudId;
use gateway_studio_core::azure::arm::ConnectionParent;
use gateway_studio_core::azure::preferences::AzurePreferences;
use gateway_studio_core::foundry::FoundryClient;
use gateway_studio_core::oauth2::TokenClient;
use gateway_studio_core::playground::{History, Session};
use gateway_studio_core::settings::Settings;
use gateway_studio_core::trace::{TraceExchange, Traces};
use tokio::sync::Mutex as AsyncMutex;
use url::Url;

use crate::error::AppError;
use crate::state::AppState;

/// Data-plane tokens of the sandbox: it accepts any scope; this is Public's.
const SANDBOX_FOUNDRY_SCOPE: &str = "https://ai.azure.com/.default";

#[derive(Clone, Default)]
pub struct PlaygroundService {
    sessions: Arc<Mutex<HashMap<String, Arc<AsyncMutex<Session>>>>>,
    /// One OAuth2 token cache for every local run (as the checks keep theirs).
    tokens: Arc<Mutex<Option<Arc<TokenClient>>>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl PlaygroundService {
    pub fn insert(&self, session: Session) {
        let id = session.id.clone();
        lock(&self.sessions).insert(id, Arc::new(AsyncMutex::new(session)));
    }

    pub fn get(&self, id: &str) -> Option<Arc<AsyncMutex<Session>>> {
        lock(&self.sessions).get(id).cloned()
    }

    pub fn remove(&self, id: &str) -> Option<Arc<AsyncMutex<Session>>> {
        lock(&self.sessions).remove(id)
    }

    /// Every open session, with its id (the app is quitting: they are all ended).
    pub fn drain(&self) -> Vec<(String, Arc<AsyncMutex<Session>>)> {
        lock(&self.sessions).drain().collect()
    }

    pub fn token_client(&self, http: &gateway_studio_core::net::HttpClient) -> Arc<TokenClient> {
        lock(&self.tokens)
            .get_or_insert_with(|| Arc::new(TokenClient::new(http.clone())))
            .clone()
    }
}

/// Ends an open session: waits for a turn in flight, deletes what it created in Foundry, and
/// records how that went.
pub async fn finish(
    state: &AppState,
    id: &str,
    session: &AsyncMutex<Session>,
) -> Result<(), AppError> {
    let mut session = session.lock().await;
    let (result, exchanges) = session.end().await;
    store_traces(state, &exchanges).await;
    if let Err(problem) = &result {
        tracing::warn!(conversation = %id, %problem, "a playground test agent could not be deleted");
    }
    History::new(state.store()?)
        .close(id, session.mode, &result)
        .await?;
    Ok(())
}

/// Ends every open session (the app is quitting), each bounded by `limit`: what cannot be
/// deleted in time stays pending and is offered at the next start.
pub async fn finish_all(state: &AppState, limit: std::time::Duration) {
    for (id, session) in state.playground.drain() {
        match tokio::time::timeout(limit, finish(state, &id, &session)).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                tracing::warn!(conversation = %id, error = %e, "could not end a playground conversation")
            }
            Err(_) => {
                tracing::warn!(conversation = %id, "ending a playground conversation took too long")
            }
        }
    }
}

/// Stores exchanges of a turn or a cleanup (a storage failure is logged: the answer matters
/// more than its trace).
pub async fn store_traces(state: &AppState, records: &[TraceExchange]) {
    let Ok(store) = state.store() else { return };
    let traces = Traces::new(store);
    for record in records {
        if let Err(e) = traces.insert(record).await {
            tracing::warn!(run = %record.run_id, error = %e, "could not store a playground trace");
        }
    }
}

/// A data-plane client for `parent`'s project in the current cloud, signed in as the Azure
/// page is. The project endpoint is the one ARM gives (`endpoints."AI Foundry API"`), else
/// built from the account name and the cloud's host suffix.
pub async fn foundry_client(
    state: &AppState,
    parent: &ConnectionParent,
) -> Result<FoundryClient, AppError> {
    let Some(project) = parent.project.as_deref() else {
        return Err(AppError::InvalidInput {
            message:
                "Agents run in a project: pick a project (not the account level) on the Azure page."
                    .into(),
            details: crate::error::InvalidInputDetails {
                field: "parent.project".into(),
            },
        });
    };
    let store = state.store()?;
    let run = state
        .azure
        .run(store, state.secrets(), &state.sandbox)
        .await?;
    let found = run.client.get_project(&parent.account, project).await;
    run.store_traces(store).await;
    let found = found.map_err(|e| run.error(&e))?;
    let cloud = Settings::load(store).await?.cloud;
    let endpoint = match found.foundry_endpoint.as_deref().map(Url::parse) {
        Some(Ok(url)) => url,
        _ => {
            let suffix = cloud
                .endpoints()
                .map(|e| e.foundry_host_suffix)
                .unwrap_or("services.ai.azure.com");
            FoundryClient::project_endpoint(&parent.account.account, project, suffix)
                .map_err(|e| AppError::agent("foundry-endpoint", e.to_string(), e.hint(), None))?
        }
    };
    foundry_client_at(state, endpoint).await
}

/// A data-plane client for the project at `endpoint` (a stored one, for a cleanup), signed in
/// with the current cloud's sign-in.
pub async fn foundry_client_at(state: &AppState, endpoint: Url) -> Result<FoundryClient, AppError> {
    let store = state.store()?;
    let run = state
        .azure
        .run(store, state.secrets(), &state.sandbox)
        .await?;
    let cloud = Settings::load(store).await?.cloud;
    let custom = AzurePreferences::new(store).custom_cloud().await?;
    let scope = match cloud {
        CloudId::Sandbox => SANDBOX_FOUNDRY_SCOPE.to_string(),
        CloudId::Custom if !custom.foundry_scope.trim().is_empty() => {
            custom.foundry_scope.trim().to_string()
        }
        other => other
            .endpoints()
            .map(|e| e.foundry_scope.to_string())
            .unwrap_or_else(|| SANDBOX_FOUNDRY_SCOPE.to_string()),
    };
    Ok(FoundryClient::new(
        run.client.http().clone(),
        endpoint,
        scope,
        run.client.token_source(),
    ))
}
