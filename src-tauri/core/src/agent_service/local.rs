//! A prompt agent run inside the app ("run locally"): the app plays the Agent Service and calls
//! the gateway itself, so a gateway can be tried before its connection is deployed and every
//! request it receives can be seen. Same items, same chat body, same request builder as the
//! service (and the sandbox's emulation of it); only the agent's definition lives in memory
//! instead of in Foundry.
//!
//! Like the service, a function call of the model ends the turn: the caller runs the function
//! and continues with its `function_call_output` item.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::chat::{chat_body, output_items, usage};
use super::items::{check_tool_outputs, has_prompt, normalize, user_message};
use super::model::{CredentialInputs, GatewayModel, Observer, RunError};
use crate::connection::Connection;
use crate::net::HttpClient;
use crate::oauth2::TokenClient;

/// What the agent is: the fields of a `PromptAgentDefinition` a local run uses.
#[derive(Debug, Clone, Default)]
pub struct LocalDefinition {
    pub instructions: Option<String>,
    /// Function tools in the Responses shape (`{"type":"function","name",…}`).
    pub tools: Vec<Value>,
    pub temperature: Option<f64>,
}

/// Why a turn could not run.
#[derive(Debug, thiserror::Error)]
pub enum LocalError {
    /// The input is not what the service would take (`param` says where).
    #[error("{message} ({param})")]
    Input { message: String, param: String },
    /// The model could not be called, or the gateway failed (as the service would report it).
    #[error("{}: {}", .0.code(), .0.message())]
    Run(#[from] RunError),
}

/// One answered turn.
#[derive(Debug, Clone)]
pub struct LocalTurn {
    /// `message` and `function_call` items, as the service returns them.
    pub output: Vec<Value>,
    /// Responses-style usage (`input_tokens`, `output_tokens`, `total_tokens`).
    pub usage: Value,
    pub duration: Duration,
}

/// A conversation with one agent over one gateway model.
pub struct LocalAgent {
    http: HttpClient,
    model: GatewayModel,
    definition: Value,
    context: Vec<Value>,
}

impl LocalAgent {
    /// Gets the credential (an OAuth2 token when the connection needs one) and checks that the
    /// deployment exists, as the service does before it runs an agent.
    #[allow(clippy::too_many_arguments)]
    pub async fn start(
        http: HttpClient,
        tokens: &TokenClient,
        connection_name: &str,
        deployment: &str,
        connection: Connection,
        inputs: CredentialInputs,
        definition: LocalDefinition,
        observe: Observer<'_>,
    ) -> Result<Self, RunError> {
        let model = GatewayModel::prepare(
            connection_name,
            deployment,
            connection,
            inputs,
            tokens,
            &mut *observe,
        )
        .await?;
        model.find_deployment(&http, &mut *observe).await?;
        let mut value = json!({
            "kind": "prompt",
            "model": format!("{connection_name}/{deployment}"),
            "tools": definition.tools,
        });
        if let Some(instructions) = definition.instructions.filter(|i| !i.trim().is_empty()) {
            value["instructions"] = json!(instructions);
        }
        if let Some(temperature) = definition.temperature {
            value["temperature"] = json!(temperature);
        }
        Ok(Self {
            http,
            model,
            definition: value,
            context: Vec::new(),
        })
    }

    /// The gateway model, with the redactor that masks its credentials in traces.
    pub fn model(&self) -> &GatewayModel {
        &self.model
    }

    /// Starts from an earlier conversation's items (a conversation continued from history).
    /// They are checked as the service checks input.
    pub fn preload(&mut self, items: &[Value]) -> Result<(), LocalError> {
        let mut context = Vec::new();
        for (index, item) in items.iter().enumerate() {
            let item = normalize(item, &format!("items[{index}]"))
                .map_err(|(message, param)| LocalError::Input { message, param })?;
            context.push(item);
        }
        check_tool_outputs(&context)
            .map_err(|(message, param)| LocalError::Input { message, param })?;
        self.context = context;
        Ok(())
    }

    /// Everything said so far (input and output items, in order).
    pub fn context(&self) -> &[Value] {
        &self.context
    }

    /// A user message.
    pub async fn say(
        &mut self,
        text: &str,
        observe: Observer<'_>,
    ) -> Result<LocalTurn, LocalError> {
        self.respond(vec![user_message(text)], observe).await
    }

    /// Answers `input` items (messages, or the outputs of the function calls of the last turn).
    /// A failed turn leaves the conversation as it was.
    pub async fn respond(
        &mut self,
        input: Vec<Value>,
        observe: Observer<'_>,
    ) -> Result<LocalTurn, LocalError> {
        let started = Instant::now();
        let mut context = self.context.clone();
        for (index, item) in input.iter().enumerate() {
            let item = normalize(item, &format!("input[{index}]"))
                .map_err(|(message, param)| LocalError::Input { message, param })?;
            context.push(item);
        }
        check_tool_outputs(&context)
            .map_err(|(message, param)| LocalError::Input { message, param })?;
        if !has_prompt(&context) {
            return Err(LocalError::Input {
                message: "Nothing to answer: give a message or the output of a function call."
                    .into(),
                param: "input".into(),
            });
        }
        let body = chat_body(&self.definition, &context);
        let reply = self.model.chat(&self.http, body, observe).await?;
        let output = output_items(&reply.message);
        context.extend(output.iter().cloned());
        self.context = context;
        Ok(LocalTurn {
            output,
            usage: usage(reply.usage.as_ref()),
            duration: started.elapsed(),
        })
    }
}

/// The text of a turn's `message` items.
pub fn reply_text(output: &[Value]) -> String {
    output
        .iter()
        .filter(|item| item.get("type").and_then(Value::as_str) == Some("message"))
        .map(super::items::message_text)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The turn's function calls: `(call_id, name, arguments)`.
pub fn function_calls(output: &[Value]) -> Vec<(String, String, String)> {
    let text = |item: &Value, key: &str| {
        item.get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    output
        .iter()
        .filter(|item| item.get("type").and_then(Value::as_str) == Some("function_call"))
        .map(|item| {
            (
                text(item, "call_id"),
                text(item, "name"),
                text(item, "arguments"),
            )
        })
        .collect()
}

/// The output of a function call, as an input item.
pub fn function_call_output(call_id: &str, output: &str) -> Value {
    json!({ "type": "function_call_output", "call_id": call_id, "output": output })
}

/// A function call of the model and the output it was given.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ToolCall {
    pub call_id: String,
    pub name: String,
    pub arguments: String,
    pub output: String,
}

/// More rounds of function calls than this for one prompt is a model stuck in a loop.
pub const MAX_TOOL_ROUNDS: usize = 8;
