//! The agent playground over IPC: start a conversation with a draft's connection (locally, or
//! in the picked Foundry project), send turns (text streams through a channel), end it (what
//! Foundry created is deleted), and reopen, continue or clean up conversations from history.

use serde::{Deserialize, Serialize};
use tauri::State;
use tauri::ipc::Channel;

use gateway_studio_core::agent_service::CredentialInputs;
use gateway_studio_core::azure::arm::ConnectionParent;
use gateway_studio_core::connection::{ConnectionAuth, ConnectionCategory};
use gateway_studio_core::net::HttpClient;
use gateway_studio_core::playground::{
    Cleanup, ConversationRecord, ConversationSummary, FoundryResources, History, LocalStart,
    PlaygroundMode, PlaygroundSettings, Session, TurnInput, TurnRecord, clean_up, foundry_error,
    new_conversation_id, replay_items,
};
use gateway_studio_core::secrets::Sensitive;
use gateway_studio_core::settings::Settings;

use crate::error::{AppError, InvalidInputDetails, NotFoundDetails};
use crate::playground::{foundry_client, foundry_client_at, store_traces};
use crate::state::AppState;

/// How to start a conversation.
#[derive(Debug, Clone, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct PlaygroundStart {
    pub draft_id: String,
    pub mode: PlaygroundMode,
    pub settings: PlaygroundSettings,
    /// Local runs of a ProjectManagedIdentity connection: a stand-in token for the audience,
    /// for this conversation only (never stored).
    pub bearer_token: Option<String>,
    /// Foundry runs: the project, as picked on the Azure page.
    pub parent: Option<ConnectionParent>,
    /// Foundry runs without a picked project: its endpoint as typed
    /// (`https://{account}.services.ai.azure.com/api/projects/{project}`).
    pub project_endpoint: Option<String>,
    /// Continue this stored conversation: its answered turns open the new one.
    pub continue_from: Option<String>,
}

/// An open conversation.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct PlaygroundSessionView {
    pub id: String,
    pub mode: PlaygroundMode,
    /// `<connection>/<deployment>`, as the agent's definition has it.
    pub model: String,
    pub connection_name: String,
    pub settings: PlaygroundSettings,
    /// What the Foundry run created (deleted when the conversation ends).
    pub foundry: Option<FoundryResources>,
    /// The turns a continued conversation starts with.
    pub continued: Vec<TurnRecord>,
}

fn invalid(field: &str, message: impl Into<String>) -> AppError {
    AppError::InvalidInput {
        message: message.into(),
        details: InvalidInputDetails {
            field: field.into(),
        },
    }
}

fn not_open(id: &str) -> AppError {
    AppError::NotFound {
        message: format!(
            "The conversation {id} is not open any more: start a new one (its turns are in History)."
        ),
        details: NotFoundDetails {
            what: "conversation".into(),
            id: id.to_string(),
        },
    }
}

/// Starts a conversation: locally (the gateway's credential and the deployment are checked
/// first, as the service does), or in Foundry (a test agent version and a conversation are
/// created in the project).
#[tauri::command]
#[specta::specta]
pub async fn playground_start(
    state: State<'_, AppState>,
    request: PlaygroundStart,
) -> Result<PlaygroundSessionView, AppError> {
    let draft = state.drafts()?.get(&request.draft_id).await?;
    let connection = draft.connection.clone();
    let Some(connection_name) = connection.name.clone().filter(|n| !n.trim().is_empty()) else {
        return Err(invalid(
            "draftId",
            "The connection has no name, and the agent's model is `<connection-name>/<deployment-name>`: name it in the editor first.",
        ));
    };
    if !matches!(
        connection.category,
        ConnectionCategory::ApiManagement | ConnectionCategory::ModelGateway
    ) {
        return Err(invalid(
            "draftId",
            "Only ApiManagement and ModelGateway connections serve models to prompt agents.",
        ));
    }
    let settings = request
        .settings
        .checked()
        .map_err(|(field, message)| invalid(&format!("settings.{field}"), message))?;
    let store = state.store()?;
    let (continued, prior) = match &request.continue_from {
        Some(id) => {
            let record = History::new(store).get(id).await?;
            let prior = replay_items(&record.turns);
            (record.turns, prior)
        }
        None => (Vec::new(), Vec::new()),
    };
    let id = new_conversation_id();

    let session = match request.mode {
        PlaygroundMode::Local => {
            let slot = connection.auth.secret_slot();
            let secret = match slot {
                Some(slot) => state.drafts()?.secret(&draft.id, slot).await?,
                None => None,
            };
            if slot.is_some() && secret.is_none() {
                return Err(invalid(
                    "draftId",
                    "The connection's secret is not in the keyring: type it in the editor and save the draft.",
                ));
            }
            let managed_identity_token = request
                .bearer_token
                .as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(|t| Sensitive::new(t.to_string()));
            if matches!(
                connection.auth,
                ConnectionAuth::ProjectManagedIdentity { .. }
            ) && managed_identity_token.is_none()
            {
                return Err(invalid(
                    "bearerToken",
                    "The connection uses the project's managed identity, which Gateway Studio does not have: paste a token for the audience to run locally (it is used for this conversation only).",
                ));
            }
            let network = Settings::load(store).await?.network;
            let http = network
                .network_options()
                .and_then(|o| HttpClient::new(&o).map_err(|e| e.to_string()))
                .map_err(|m| invalid("caBundles", m))?;
            let tokens = state.playground.token_client(&http);
            let start = LocalStart {
                connection_name: &connection_name,
                connection: connection.clone(),
                inputs: CredentialInputs {
                    secret,
                    managed_identity_token,
                },
                http,
                tokens: &tokens,
            };
            match Session::start_local(id.clone(), settings.clone(), start, &prior).await {
                Ok(session) => session,
                Err(failed) => {
                    store_traces(&state, &failed.exchanges).await;
                    return Err(AppError::agent(
                        &failed.error.code,
                        failed.error.message,
                        failed.error.fix,
                        (!failed.exchanges.is_empty()).then_some(failed.run_id),
                    ));
                }
            }
        }
        PlaygroundMode::Foundry => {
            let typed = request
                .project_endpoint
                .as_deref()
                .map(str::trim)
                .filter(|e| !e.is_empty());
            let client = match (&request.parent, typed) {
                (Some(parent), _) => foundry_client(&state, parent).await?,
                (None, Some(endpoint)) => {
                    let url = url::Url::parse(endpoint)
                        .ok()
                        .filter(|u| matches!(u.scheme(), "https" | "http") && u.host().is_some())
                        .ok_or_else(|| {
                            invalid(
                                "projectEndpoint",
                                "The project endpoint is not a URL: it looks like https://ACCOUNT.services.ai.azure.com/api/projects/PROJECT.",
                            )
                        })?;
                    foundry_client_at(&state, url).await?
                }
                (None, None) => {
                    return Err(invalid(
                        "parent",
                        "Running in Foundry needs a project: pick one on the Azure page, type its endpoint, or run locally.",
                    ));
                }
            };
            let mut created = None;
            let started = Session::foundry(
                id.clone(),
                settings.clone(),
                &connection_name,
                client.clone(),
                &prior,
                &mut created,
            )
            .await;
            match started {
                Ok(session) => session,
                Err(e) => {
                    // Half-created: delete what exists now, and keep a record if that fails.
                    if let Some(resources) = created
                        && let Err(problem) = clean_up(&client, &resources).await
                    {
                        History::new(store)
                            .record_leftover(
                                &id,
                                &format!("{connection_name}/{}", settings.deployment),
                                Some(&draft.id),
                                &connection_name,
                                &settings,
                                &resources,
                                &problem,
                            )
                            .await?;
                    }
                    let turn_error = foundry_error(&e);
                    return Err(AppError::agent(
                        &turn_error.code,
                        turn_error.message,
                        turn_error.fix,
                        None,
                    ));
                }
            }
        }
    };

    let history = History::new(store);
    history
        .open(&session, Some(&draft.id), &connection_name)
        .await?;
    let foundry = session.foundry_resources();
    for turn in &continued {
        history.add_turn(&id, turn).await?;
    }
    let view = PlaygroundSessionView {
        id: id.clone(),
        mode: session.mode,
        model: session.model.clone(),
        connection_name,
        settings: session.settings.clone(),
        foundry,
        continued,
    };
    state.playground.insert(session);
    Ok(view)
}

/// One turn: a message, or the outputs of the last turn's function calls. Text arrives on
/// `on_text` as it streams; the answer is the turn as stored (a failed turn carries its error
/// and the fix, not an `Err`).
#[tauri::command]
#[specta::specta]
pub async fn playground_send(
    state: State<'_, AppState>,
    conversation_id: String,
    input: TurnInput,
    on_text: Channel<String>,
) -> Result<TurnRecord, AppError> {
    match &input {
        TurnInput::Message { text } if text.trim().is_empty() => {
            return Err(invalid("input.text", "Type a message first."));
        }
        TurnInput::ToolOutputs { outputs } if outputs.is_empty() => {
            return Err(invalid(
                "input.outputs",
                "Give the output of each function call.",
            ));
        }
        _ => {}
    }
    let session = state
        .playground
        .get(&conversation_id)
        .ok_or_else(|| not_open(&conversation_id))?;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    let forward = tokio::spawn(async move {
        while let Some(text) = rx.recv().await {
            let _ = on_text.send(text);
        }
    });
    let (record, exchanges) = session.lock().await.turn(input, tx).await;
    let _ = forward.await;
    let exchanges = state.sandbox.with_gateway_calls(exchanges).await;
    store_traces(&state, &exchanges).await;
    History::new(state.store()?)
        .add_turn(&conversation_id, &record)
        .await?;
    Ok(record)
}

/// Ends the conversation: what Foundry created for it is deleted (a failure to delete is kept
/// and offered again as a left-over).
#[tauri::command]
#[specta::specta]
pub async fn playground_end(
    state: State<'_, AppState>,
    conversation_id: String,
) -> Result<ConversationSummary, AppError> {
    if let Some(session) = state.playground.remove(&conversation_id) {
        crate::playground::finish(&state, &conversation_id, &session).await?;
    }
    let history = History::new(state.store()?);
    Ok(history.get(&conversation_id).await?.summary)
}

/// Conversations, newest first.
#[tauri::command]
#[specta::specta]
pub async fn playground_history(
    state: State<'_, AppState>,
) -> Result<Vec<ConversationSummary>, AppError> {
    Ok(History::new(state.store()?).list(200).await?)
}

/// One conversation with its turns (read-only; continue it with `continueFrom`).
#[tauri::command]
#[specta::specta]
pub async fn playground_conversation(
    state: State<'_, AppState>,
    conversation_id: String,
) -> Result<ConversationRecord, AppError> {
    Ok(History::new(state.store()?).get(&conversation_id).await?)
}

/// Foundry test agents and conversations that were never deleted (the app stopped during a
/// test, or deleting failed).
#[tauri::command]
#[specta::specta]
pub async fn playground_leftovers(
    state: State<'_, AppState>,
) -> Result<Vec<ConversationSummary>, AppError> {
    Ok(History::new(state.store()?).leftovers().await?)
}

/// Deletes a left-over's agent and conversation in Foundry, signed in as the Azure page is.
#[tauri::command]
#[specta::specta]
pub async fn playground_clean_up(
    state: State<'_, AppState>,
    conversation_id: String,
) -> Result<ConversationSummary, AppError> {
    let store = state.store()?;
    let history = History::new(store);
    let record = history.get(&conversation_id).await?;
    let Some(resources) = record.summary.foundry.clone() else {
        return Ok(record.summary);
    };
    let endpoint = url::Url::parse(&resources.project_endpoint).map_err(|e| {
        invalid(
            "conversationId",
            format!("The stored project endpoint is not a URL ({e})."),
        )
    })?;
    let client = foundry_client_at(&state, endpoint).await?;
    match clean_up(&client, &resources).await {
        Ok(()) => {
            history
                .set_cleanup(&conversation_id, Cleanup::Done, None)
                .await?
        }
        Err(problem) => {
            history
                .set_cleanup(&conversation_id, Cleanup::Failed, Some(&problem))
                .await?
        }
    }
    Ok(history.get(&conversation_id).await?.summary)
}
