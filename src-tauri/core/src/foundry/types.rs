//! The data plane's bodies (byo-gateway.md §6.2, §6.3): what the client sends, serialised with
//! the API's own field names, and what it reads back, typed with the fields a test run needs
//! and the whole JSON kept in `raw`.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Value, json};

/// A prompt agent (`PromptAgentDefinition`, `kind: "prompt"`): the only kind that can use a
/// gateway model (§5).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename = "prompt")]
pub struct PromptAgentDefinition {
    /// `<connection-name>/<deployment-name>` for a gateway model.
    pub model: String,
    /// Left out of the body when empty.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub instructions: String,
    /// Always sent, `[]` included, as the reference's example body does.
    pub tools: Vec<Tool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
}

impl PromptAgentDefinition {
    pub fn new(model: impl Into<String>, instructions: impl Into<String>) -> Self {
        Self {
            model: model.into(),
            instructions: instructions.into(),
            tools: Vec::new(),
            temperature: None,
        }
    }
}

/// One tool of an agent.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Tool {
    Function(FunctionTool),
    /// Any other tool (`code_interpreter`, `file_search`, `mcp`, …), sent as given.
    Other(Value),
}

impl From<FunctionTool> for Tool {
    fn from(tool: FunctionTool) -> Self {
        Self::Function(tool)
    }
}

/// `{"type":"function","name","description","parameters","strict"}` (SDK `FunctionTool`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename = "function")]
pub struct FunctionTool {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// A JSON schema of the arguments.
    pub parameters: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub strict: Option<bool>,
}

/// The body of `POST agents/{name}/versions`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CreateAgentVersion {
    pub definition: PromptAgentDefinition,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// At most [`MAX_METADATA`](super::MAX_METADATA) pairs; left out when empty.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: BTreeMap<String, String>,
}

/// Which agent a response runs: `{"type":"agent_reference","name","version"}`; no version means
/// the latest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename = "agent_reference")]
pub struct AgentReference {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// The body of `POST openai/v1/responses` with an agent (GA v1: `agent_reference`, never the
/// removed `agent` key). `stream` is set by the client's streaming call.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResponseRequest {
    pub agent_reference: AgentReference,
    /// A conversation id; exclusive with `previous_response_id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conversation: Option<String>,
    /// A string (one user message) or an array of items ([`user_message`],
    /// [`function_call_output`]); `null` is left out (the conversation holds the prompt).
    #[serde(skip_serializing_if = "Value::is_null")]
    pub input: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_response_id: Option<String>,
}

/// A user message item.
pub fn user_message(text: &str) -> Value {
    json!({ "type": "message", "role": "user", "content": text })
}

/// The result of a function call, to send back with `previous_response_id` (or in the same
/// conversation).
pub fn function_call_output(call_id: &str, output: &str) -> Value {
    json!({ "type": "function_call_output", "call_id": call_id, "output": output })
}

/// `AgentVersionDetails` (`object: "agent.version"`).
#[derive(Debug, Clone, PartialEq)]
pub struct AgentVersion {
    pub id: String,
    pub name: String,
    /// A string; a number the service may send is kept as its decimal text [I].
    pub version: String,
    pub description: Option<String>,
    /// Unix seconds.
    pub created_at: Option<u64>,
    /// As the service answered it (prompt or another kind).
    pub definition: Value,
    pub metadata: BTreeMap<String, String>,
    /// `creating|active|failed|deleting|deleted`, when the service says.
    pub status: Option<String>,
    pub raw: Value,
}

impl AgentVersion {
    /// `definition.kind`: `prompt`, `hosted`, `workflow`, …
    pub fn kind(&self) -> Option<&str> {
        self.definition.get("kind").and_then(Value::as_str)
    }

    /// `definition.model`.
    pub fn model(&self) -> Option<&str> {
        self.definition.get("model").and_then(Value::as_str)
    }
}

/// `AgentDetails` (`object: "agent"`) with its latest version.
#[derive(Debug, Clone, PartialEq)]
pub struct Agent {
    pub id: String,
    pub name: String,
    pub latest: Option<AgentVersion>,
    pub raw: Value,
}

/// What a DELETE answered: `agent.version.deleted`, `agent.deleted`, `conversation.deleted`,
/// `response`.
#[derive(Debug, Clone, PartialEq)]
pub struct Deleted {
    pub object: String,
    /// `id`, or `name` for agents.
    pub id: String,
    pub version: Option<String>,
    pub deleted: bool,
    pub raw: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Conversation {
    pub id: String,
    pub created_at: Option<u64>,
    pub metadata: Value,
    pub raw: Value,
}

/// An item of a conversation or of a response's `output`.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Message(MessageItem),
    FunctionCall(FunctionCall),
    FunctionCallOutput(FunctionCallOutput),
    /// Any other item type (reasoning, a tool the service runs itself, …), as its JSON.
    Other(Value),
}

impl Item {
    /// The item's `id`, when it has one.
    pub fn id(&self) -> Option<&str> {
        match self {
            Self::Message(m) => m.id.as_deref(),
            Self::FunctionCall(c) => c.id.as_deref(),
            Self::FunctionCallOutput(o) => o.id.as_deref(),
            Self::Other(v) => v.get("id").and_then(Value::as_str),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct MessageItem {
    pub id: Option<String>,
    /// `user`, `assistant`, `system`, `developer`.
    pub role: String,
    pub status: Option<String>,
    /// The text parts (`output_text`, `input_text`) joined; refusals and other parts are in
    /// `content`.
    pub text: String,
    /// The content as the service answered it.
    pub content: Value,
}

/// The model asks the client to run a function.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionCall {
    pub id: Option<String>,
    /// What the `function_call_output` answering it must name.
    pub call_id: String,
    pub name: String,
    /// JSON text, as the model wrote it (it may not be valid JSON).
    pub arguments: String,
    pub status: Option<String>,
}

impl FunctionCall {
    /// `arguments` parsed.
    pub fn arguments_json(&self) -> Result<Value, serde_json::Error> {
        serde_json::from_str(&self.arguments)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct FunctionCallOutput {
    pub id: Option<String>,
    pub call_id: String,
    pub output: String,
}

/// `status` of a response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResponseStatus {
    Queued,
    InProgress,
    Completed,
    Failed,
    Incomplete,
    Cancelled,
    /// A status this client does not know, as the service wrote it.
    Other(String),
}

impl ResponseStatus {
    pub fn parse(text: &str) -> Self {
        match text {
            "queued" => Self::Queued,
            "in_progress" => Self::InProgress,
            "completed" => Self::Completed,
            "failed" => Self::Failed,
            "incomplete" => Self::Incomplete,
            "cancelled" => Self::Cancelled,
            other => Self::Other(other.to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::Queued => "queued",
            Self::InProgress => "in_progress",
            Self::Completed => "completed",
            Self::Failed => "failed",
            Self::Incomplete => "incomplete",
            Self::Cancelled => "cancelled",
            Self::Other(other) => other,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Usage {
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub total_tokens: u64,
}

/// `error` of a failed response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseError {
    pub code: Option<String>,
    pub message: String,
}

/// A `response` object (`resp_…`).
#[derive(Debug, Clone, PartialEq)]
pub struct AgentResponse {
    pub id: String,
    pub status: ResponseStatus,
    pub output: Vec<Item>,
    pub usage: Option<Usage>,
    pub error: Option<ResponseError>,
    /// `conversation.id` (or a bare id), when the run was in one.
    pub conversation: Option<String>,
    pub previous_response_id: Option<String>,
    /// The agent version that ran, as the service resolved it.
    pub agent_reference: Option<AgentReference>,
    pub raw: Value,
}

impl AgentResponse {
    /// The text of the assistant's message items, joined: what the agent said.
    pub fn output_text(&self) -> String {
        self.output
            .iter()
            .filter_map(|item| match item {
                Item::Message(m) if m.role == "assistant" => Some(m.text.as_str()),
                _ => None,
            })
            .collect()
    }

    /// The functions the model asks the client to run, in order.
    pub fn function_calls(&self) -> Vec<&FunctionCall> {
        self.output
            .iter()
            .filter_map(|item| match item {
                Item::FunctionCall(call) => Some(call),
                _ => None,
            })
            .collect()
    }
}

// --- Reading answers. `Err` names what is missing, for `FoundryError::WrongShape`. ---

fn string(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(Value::as_str).map(str::to_string)
}

fn required(value: &Value, key: &str, what: &str) -> Result<String, String> {
    string(value, key).ok_or_else(|| format!("{what} without a string `{key}`"))
}

/// A version (or an agent_reference version): a string, or a number as its text.
fn version_text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

fn object(value: &Value, what: &str) -> Result<(), String> {
    if value.is_object() {
        Ok(())
    } else {
        Err(format!("{what} that is not a JSON object"))
    }
}

pub(super) fn agent_version(value: &Value) -> Result<AgentVersion, String> {
    const WHAT: &str = "an agent version";
    object(value, WHAT)?;
    let name = required(value, "name", WHAT)?;
    let version =
        version_text(value.get("version")).ok_or_else(|| format!("{WHAT} without a `version`"))?;
    let metadata = value
        .get("metadata")
        .and_then(Value::as_object)
        .map(|map| {
            map.iter()
                .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string())))
                .collect()
        })
        .unwrap_or_default();
    Ok(AgentVersion {
        id: string(value, "id").unwrap_or_else(|| format!("{name}:{version}")),
        name,
        version,
        description: string(value, "description"),
        created_at: value.get("created_at").and_then(Value::as_u64),
        definition: value.get("definition").cloned().unwrap_or(Value::Null),
        metadata,
        status: string(value, "status"),
        raw: value.clone(),
    })
}

pub(super) fn agent(value: &Value) -> Result<Agent, String> {
    const WHAT: &str = "an agent";
    object(value, WHAT)?;
    let name = required(value, "name", WHAT)?;
    let latest = match value.pointer("/versions/latest") {
        None | Some(Value::Null) => None,
        Some(latest) => {
            Some(agent_version(latest).map_err(|p| format!("{WHAT} whose latest version is {p}"))?)
        }
    };
    Ok(Agent {
        id: string(value, "id").unwrap_or_else(|| name.clone()),
        name,
        latest,
        raw: value.clone(),
    })
}

pub(super) fn deleted(value: &Value) -> Result<Deleted, String> {
    const WHAT: &str = "a deletion answer";
    object(value, WHAT)?;
    let id = string(value, "id")
        .or_else(|| string(value, "name"))
        .ok_or_else(|| format!("{WHAT} without an `id` or `name`"))?;
    Ok(Deleted {
        object: string(value, "object").unwrap_or_default(),
        id,
        version: version_text(value.get("version")),
        deleted: value
            .get("deleted")
            .and_then(Value::as_bool)
            .ok_or_else(|| format!("{WHAT} without a `deleted` boolean"))?,
        raw: value.clone(),
    })
}

pub(super) fn conversation(value: &Value) -> Result<Conversation, String> {
    const WHAT: &str = "a conversation";
    object(value, WHAT)?;
    Ok(Conversation {
        id: required(value, "id", WHAT)?,
        created_at: value.get("created_at").and_then(Value::as_u64),
        metadata: value.get("metadata").cloned().unwrap_or(Value::Null),
        raw: value.clone(),
    })
}

/// The text parts of a message's content: a string, or `output_text`/`input_text`/`text`
/// parts.
fn content_text(content: &Value) -> String {
    match content {
        Value::String(text) => text.clone(),
        Value::Array(parts) => parts
            .iter()
            .filter(|part| {
                matches!(
                    part.get("type").and_then(Value::as_str),
                    Some("output_text" | "input_text" | "text")
                )
            })
            .filter_map(|part| part.get("text").and_then(Value::as_str))
            .collect(),
        _ => String::new(),
    }
}

pub(super) fn item(value: &Value) -> Result<Item, String> {
    object(value, "an item")?;
    let kind = match value.get("type").and_then(Value::as_str) {
        Some(kind) => kind,
        None if value.get("role").is_some() => "message",
        None => return Err("an item without a `type`".to_string()),
    };
    let id = string(value, "id");
    Ok(match kind {
        "message" => {
            let content = value.get("content").cloned().unwrap_or(Value::Null);
            Item::Message(MessageItem {
                id,
                role: required(value, "role", "a message item")?,
                status: string(value, "status"),
                text: content_text(&content),
                content,
            })
        }
        "function_call" => Item::FunctionCall(FunctionCall {
            id,
            call_id: required(value, "call_id", "a function_call item")?,
            name: required(value, "name", "a function_call item")?,
            arguments: string(value, "arguments").unwrap_or_default(),
            status: string(value, "status"),
        }),
        "function_call_output" => Item::FunctionCallOutput(FunctionCallOutput {
            id,
            call_id: required(value, "call_id", "a function_call_output item")?,
            // A structured output is kept as its JSON text.
            output: match value.get("output") {
                Some(Value::String(text)) => text.clone(),
                Some(Value::Null) | None => String::new(),
                Some(other) => other.to_string(),
            },
        }),
        _ => Item::Other(value.clone()),
    })
}

pub(super) fn response(value: &Value) -> Result<AgentResponse, String> {
    const WHAT: &str = "a response";
    object(value, WHAT)?;
    let output = match value.get("output") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(index, v)| item(v).map_err(|p| format!("{WHAT} whose output[{index}] is {p}")))
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(format!("{WHAT} whose `output` is not an array")),
    };
    let usage = value.get("usage").filter(|u| u.is_object()).map(|u| {
        let count = |key: &str| u.get(key).and_then(Value::as_u64).unwrap_or(0);
        Usage {
            input_tokens: count("input_tokens"),
            output_tokens: count("output_tokens"),
            total_tokens: count("total_tokens"),
        }
    });
    let error = value
        .get("error")
        .filter(|e| e.is_object())
        .map(|e| ResponseError {
            code: string(e, "code"),
            message: string(e, "message").unwrap_or_default(),
        });
    let conversation = match value.get("conversation") {
        Some(Value::String(id)) => Some(id.clone()),
        Some(c @ Value::Object(_)) => string(c, "id"),
        _ => None,
    };
    let agent_reference = value
        .get("agent_reference")
        .filter(|r| r.is_object())
        .and_then(|r| {
            Some(AgentReference {
                name: string(r, "name")?,
                version: version_text(r.get("version")),
            })
        });
    Ok(AgentResponse {
        id: required(value, "id", WHAT)?,
        status: ResponseStatus::parse(&required(value, "status", WHAT)?),
        output,
        usage,
        error,
        conversation,
        previous_response_id: string(value, "previous_response_id"),
        agent_reference,
        raw: value.clone(),
    })
}
