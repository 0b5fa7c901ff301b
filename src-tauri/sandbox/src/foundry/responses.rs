//! `POST /openai/v1/responses` with `agent_reference` (byo-gateway.md §6.3): runs the agent's
//! latest (or named) version through its gateway, answers a `response` object, or streams the
//! Responses API events (`sse`). `GET`/`DELETE /openai/v1/responses/{id}` read and forget
//! stored responses.
//!
//! A function call of the model comes back as a `function_call` output item; the client runs
//! the function and continues with `input: [{"type":"function_call_output","call_id","output"}]`
//! and `previous_response_id` (or the same `conversation`). The chat history is rebuilt from the
//! items: the assistant message with `tool_calls`, then a `tool` message per output.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::agents::find_version;
use super::conversations;
use super::errors::{AGENT_KEY_REMOVED, Reply, invalid_payload, json_object, ok, openai_not_found};
use super::runner::RunErrorAnswer;
use super::store::StoredResponse;
use super::{Service, Shared, new_id, now, sse};
use gateway_studio_core::agent_service::chat::{chat_body, output_items, usage};
use gateway_studio_core::agent_service::items::{
    check_tool_outputs, has_prompt, normalize, user_message,
};
use gateway_studio_core::agent_service::{ChatReply, RunError, split_model};

/// Longest `agent_reference.name` (§6.3).
const MAX_REFERENCE_NAME: usize = 256;

/// One run: everything its response object says besides the output.
pub(super) struct Run {
    pub(super) project: String,
    pub(super) id: String,
    created_at: u64,
    model: String,
    agent_reference: Value,
    conversation: Option<String>,
    previous_response_id: Option<String>,
    /// This request's input items.
    input: Vec<Value>,
    /// The history the model sees: the conversation's items or the previous response's
    /// context, then `input`.
    context: Vec<Value>,
    /// The request's `x-ms-client-request-id`: its gateway calls are logged under it.
    pub(super) client_request_id: Option<String>,
}

impl Run {
    /// The `response` object.
    pub(super) fn object(
        &self,
        status: &str,
        output: &[Value],
        usage: Value,
        error: Value,
    ) -> Value {
        let mut object = json!({
            "id": self.id,
            "object": "response",
            "created_at": self.created_at,
            "status": status,
            "model": self.model,
            "output": output,
            "usage": usage,
            "agent_reference": self.agent_reference,
            "error": error,
        });
        if let Some(conversation) = &self.conversation {
            object["conversation"] = json!({ "id": conversation });
        }
        if let Some(previous) = &self.previous_response_id {
            object["previous_response_id"] = json!(previous);
        }
        object
    }
}

fn bad(message: &str, param: &str) -> Response {
    invalid_payload(message, Some(param))
}

/// `(name, version)` of `agent_reference`.
fn agent_reference(body: &Map<String, Value>) -> Reply<(String, Option<String>)> {
    let reference = match body.get("agent_reference") {
        None | Some(Value::Null) => {
            return Err(bad(
                "Missing required parameter: 'agent_reference'.",
                "agent_reference",
            ));
        }
        Some(Value::Object(reference)) => reference,
        Some(_) => {
            return Err(bad(
                "Invalid type for 'agent_reference': expected an object.",
                "agent_reference",
            ));
        }
    };
    if reference.get("type").and_then(Value::as_str) != Some("agent_reference") {
        return Err(bad(
            "Invalid value for 'agent_reference.type': expected 'agent_reference'.",
            "agent_reference.type",
        ));
    }
    let name = match reference.get("name") {
        Some(Value::String(name)) if !name.is_empty() => name,
        None | Some(Value::Null) => {
            return Err(bad(
                "Missing required parameter: 'agent_reference.name'.",
                "agent_reference.name",
            ));
        }
        Some(_) => {
            return Err(bad(
                "Invalid 'agent_reference.name': expected a non-empty string.",
                "agent_reference.name",
            ));
        }
    };
    if name.chars().count() > MAX_REFERENCE_NAME {
        return Err(bad(
            &format!(
                "Invalid 'agent_reference.name': string too long. Expected a string with maximum length {MAX_REFERENCE_NAME}."
            ),
            "agent_reference.name",
        ));
    }
    let version = match reference.get("version") {
        None | Some(Value::Null) => None,
        Some(Value::String(version)) => Some(version.clone()),
        // A number is taken as its decimal text [I].
        Some(Value::Number(version)) => Some(version.to_string()),
        Some(_) => {
            return Err(bad(
                "Invalid type for 'agent_reference.version': expected a string.",
                "agent_reference.version",
            ));
        }
    };
    Ok((name.clone(), version))
}

/// `input`: a string (one user message; empty means none, as the service's 2025 samples
/// relied on) or an array of items.
fn input_items(body: &Map<String, Value>) -> Reply<Vec<Value>> {
    match body.get("input") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::String(text)) if text.is_empty() => Ok(Vec::new()),
        Some(Value::String(text)) => Ok(vec![user_message(text)]),
        Some(Value::Array(list)) => list
            .iter()
            .enumerate()
            .map(|(index, item)| {
                normalize(item, &format!("input[{index}]"))
                    .map_err(|(message, param)| bad(&message, &param))
            })
            .collect(),
        Some(_) => Err(bad(
            "Invalid type for 'input': expected a string or an array of input items.",
            "input",
        )),
    }
}

fn optional_string(body: &Map<String, Value>, key: &str) -> Reply<Option<String>> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(_) => Err(bad(
            &format!("Invalid type for '{key}': expected a string."),
            key,
        )),
    }
}

/// `conversation`: an id, or `{"id": …}`.
fn conversation_id(body: &Map<String, Value>) -> Reply<Option<String>> {
    match body.get("conversation") {
        Some(Value::Object(object)) => match object.get("id") {
            Some(Value::String(id)) => Ok(Some(id.clone())),
            _ => Err(bad(
                "Missing required parameter: 'conversation.id'.",
                "conversation.id",
            )),
        },
        _ => optional_string(body, "conversation"),
    }
}

impl Service {
    /// Records a finished run: the response, its context, and the conversation's new items.
    /// Returns the response object and its output items.
    pub(super) fn finish(&self, run: &Run, reply: ChatReply) -> (Value, Vec<Value>) {
        let output = output_items(&reply.message);
        let object = run.object(
            "completed",
            &output,
            usage(reply.usage.as_ref()),
            Value::Null,
        );
        let mut context = run.context.clone();
        context.extend(output.iter().cloned());
        let mut store = self.store();
        store.put_response(StoredResponse {
            project: run.project.clone(),
            id: run.id.clone(),
            body: object.clone(),
            context,
        });
        if let Some(id) = &run.conversation
            && let Some(conversation) = store.conversation_mut(&run.project, id)
        {
            conversation.items.extend(run.input.iter().cloned());
            conversation.items.extend(output.iter().cloned());
        }
        (object, output)
    }

    /// Records a failed run (the conversation is left as it was [I]) and returns its
    /// response object.
    pub(super) fn fail(&self, run: &Run, error: &RunError) -> Value {
        let object = run.object(
            "failed",
            &[],
            Value::Null,
            json!({ "code": error.code(), "message": error.message() }),
        );
        self.put(run, object.clone());
        object
    }

    /// Stores the response as it stands (a streamed run is visible while it runs).
    pub(super) fn put(&self, run: &Run, object: Value) {
        self.store().put_response(StoredResponse {
            project: run.project.clone(),
            id: run.id.clone(),
            body: object,
            context: run.context.clone(),
        });
    }
}

pub(super) async fn create(
    State(service): State<Shared>,
    Path(project): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    let client_request_id = headers
        .get(super::tap::CLIENT_REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body = json_object(&body, false, |m| invalid_payload(m, None))?;
    if body.contains_key("agent") {
        return Err(bad(AGENT_KEY_REMOVED, "agent"));
    }
    let (name, version) = agent_reference(&body)?;
    let stream = match body.get("stream") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(stream)) => *stream,
        Some(_) => {
            return Err(bad(
                "Invalid type for 'stream': expected a boolean.",
                "stream",
            ));
        }
    };
    let conversation = conversation_id(&body)?;
    let previous_response_id = optional_string(&body, "previous_response_id")?;
    if conversation.is_some() && previous_response_id.is_some() {
        return Err(bad(
            "Mutually exclusive parameters: Ensure you are only providing one of: 'previous_response_id' or 'conversation'.",
            "conversation",
        ));
    }
    let input = input_items(&body)?;
    let project = service.project(&project).unwrap_or(project);
    let (details, mut context) = {
        let store = service.store();
        let details = find_version(&store, &project, &name, version.as_deref())
            .map_err(|m| openai_not_found(&m))?;
        let base = if let Some(id) = &conversation {
            store
                .conversation(&project, id)
                .ok_or_else(|| conversations::not_found(id))?
                .items
                .clone()
        } else if let Some(id) = &previous_response_id {
            store
                .response(&project, id)
                .ok_or_else(|| {
                    openai_not_found(&format!("Previous response with id '{id}' not found."))
                })?
                .context
                .clone()
        } else {
            Vec::new()
        };
        (details, base)
    };
    context.extend(input.iter().cloned());
    check_tool_outputs(&context).map_err(|(message, param)| bad(&message, &param))?;
    if !has_prompt(&context) {
        return Err(bad("Missing required parameter: 'input'.", "input"));
    }
    let definition = &details["definition"];
    let kind = definition
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let model = definition
        .get("model")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    if kind != "prompt" {
        // §5: gateway models are for prompt agents only; a hosted agent with one fails so.
        if kind == "hosted"
            && let Some((connection, deployment)) = split_model(&model)
        {
            return Err(RunError::DeploymentNotFound(format!(
                "The deployment '{deployment}' was not found: agent '{name}' is a hosted agent, and models from a gateway connection ('{connection}/{deployment}') work with prompt agents only."
            ))
            .into_response());
        }
        return Err(bad(
            &format!("Agent '{name}' is a {kind} agent; the sandbox runs prompt agents only."),
            "agent_reference",
        ));
    }
    let target = service
        .resolve(&project, &model, client_request_id.as_deref())
        .await
        .map_err(RunError::into_response)?;
    let run = Run {
        project,
        id: new_id("resp"),
        created_at: now(),
        model,
        agent_reference: json!({
            "type": "agent_reference",
            "name": name,
            "version": details["version"],
        }),
        conversation,
        previous_response_id,
        input,
        context,
        client_request_id,
    };
    let chat = chat_body(definition, &run.context);
    if stream {
        return Ok(sse::stream(service, run, target, chat));
    }
    match service
        .chat(&target, chat, run.client_request_id.as_deref())
        .await
    {
        Ok(reply) => Ok(ok(service.finish(&run, reply).0)),
        Err(error) => {
            service.fail(&run, &error);
            Err(error.into_response())
        }
    }
}

fn response_not_found(id: &str) -> Response {
    openai_not_found(&format!("Response with id '{id}' not found."))
}

pub(super) async fn get(
    State(service): State<Shared>,
    Path((project, id)): Path<(String, String)>,
) -> Reply {
    let store = service.store();
    let response = store
        .response(&project, &id)
        .ok_or_else(|| response_not_found(&id))?;
    Ok(ok(response.body.clone()))
}

pub(super) async fn delete(
    State(service): State<Shared>,
    Path((project, id)): Path<(String, String)>,
) -> Reply {
    let mut store = service.store();
    if store.response(&project, &id).is_none() {
        return Err(response_not_found(&id));
    }
    store
        .responses
        .retain(|r| !(r.id == id && r.project.eq_ignore_ascii_case(&project)));
    Ok(ok(
        json!({ "id": id, "object": "response", "deleted": true }),
    ))
}
