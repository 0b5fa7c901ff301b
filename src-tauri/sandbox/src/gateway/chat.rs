//! Deterministic chat completions in OpenAI's `chat.completion` shape.
//!
//! The reply is derived from the request alone, so a test knows what to expect:
//! - last message from a tool → `"The tool said: <tool content>"`;
//! - last message from the user and `tools` offered (and not `tool_choice: "none"`) → one call
//!   of the chosen function, arguments made up from its parameter schema;
//! - otherwise → `"Echo from <deployment>: <last user text>"`.
//!
//! `stream: true` answers with server-sent `chat.completion.chunk`s ending in `data: [DONE]`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::Deployment;
use crate::body;
use crate::dialect::{self, openai_error};
use crate::faults::Behaviour;

/// A 400 in OpenAI's words (what both gateway styles answer to a malformed request).
pub(super) struct BadRequest {
    message: String,
    param: Option<String>,
    code: Option<&'static str>,
}

impl BadRequest {
    fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            param: None,
            code: None,
        }
    }

    fn about(mut self, param: impl Into<String>, code: &'static str) -> Self {
        self.param = Some(param.into());
        self.code = Some(code);
        self
    }
}

impl IntoResponse for BadRequest {
    fn into_response(self) -> Response {
        openai_error(
            StatusCode::BAD_REQUEST,
            &self.message,
            "invalid_request_error",
            self.param.as_deref(),
            self.code,
        )
    }
}

/// The request body as a JSON object.
pub(super) fn parse(body: &[u8]) -> Result<Value, BadRequest> {
    match serde_json::from_slice::<Value>(body) {
        Ok(request @ Value::Object(_)) => Ok(request),
        Ok(_) => Err(BadRequest::new(
            "Invalid request body: expected a JSON object.",
        )),
        Err(_) => Err(BadRequest::new(
            "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The API expects a JSON payload, but what was sent was not valid JSON.)",
        )),
    }
}

/// Answers one chat-completions request for `deployment`.
pub(super) fn respond(
    deployment: &Deployment,
    request: &Value,
    behaviour: Behaviour,
    chunk_delay: Duration,
) -> Response {
    let messages = match messages(request) {
        Ok(messages) => messages,
        Err(refusal) => return refusal.into_response(),
    };
    let reply = reply_to(deployment, messages, request, behaviour.drop_tools);
    let completion = Completion {
        id: format!("chatcmpl-{:016x}", fnv1a(request.to_string().as_bytes())),
        created: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.as_secs()),
        model: deployment.model_name.clone(),
        usage: usage(messages, &reply),
        reply,
        with_choices: !behaviour.wrong_shape,
    };
    let wants_stream = request.get("stream").and_then(Value::as_bool) == Some(true);
    if wants_stream && !behaviour.no_stream {
        let include_usage = request
            .pointer("/stream_options/include_usage")
            .and_then(Value::as_bool)
            == Some(true);
        (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, "text/event-stream; charset=utf-8"),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            body::server_sent_events(completion.chunks(include_usage), chunk_delay),
        )
            .into_response()
    } else {
        dialect::json(StatusCode::OK, completion.body())
    }
}

/// `messages`, checked the way OpenAI checks them.
fn messages(request: &Value) -> Result<&[Value], BadRequest> {
    match request.get("messages") {
        None | Some(Value::Null) => Err(BadRequest::new(
            "Missing required parameter: 'messages'.",
        )
        .about("messages", "missing_required_parameter")),
        Some(Value::Array(messages)) if messages.is_empty() => Err(BadRequest::new(
            "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
        )
        .about("messages", "empty_array")),
        Some(Value::Array(messages)) => {
            if let Some(index) = messages.iter().position(|m| role(m).is_none()) {
                let param = format!("messages[{index}].role");
                return Err(BadRequest::new(format!(
                    "Missing required parameter: '{param}'."
                ))
                .about(param, "missing_required_parameter"));
            }
            Ok(messages)
        }
        Some(_) => Err(BadRequest::new(
            "Invalid type for 'messages': expected an array of objects.",
        )
        .about("messages", "invalid_type")),
    }
}

fn role(message: &Value) -> Option<&str> {
    message.get("role").and_then(Value::as_str)
}

/// Text of a message's `content`: a string, or the `text` parts of an array.
fn text_of(message: &Value) -> String {
    match message.get("content") {
        Some(Value::String(text)) => text.clone(),
        Some(Value::Array(parts)) => parts
            .iter()
            .filter_map(|part| part.get("text").and_then(Value::as_str))
            .collect(),
        _ => String::new(),
    }
}

enum Reply {
    Text(String),
    ToolCall {
        id: String,
        name: String,
        arguments: String,
    },
}

impl Reply {
    fn finish_reason(&self) -> &'static str {
        match self {
            Reply::Text(_) => "stop",
            Reply::ToolCall { .. } => "tool_calls",
        }
    }
}

fn reply_to(
    deployment: &Deployment,
    messages: &[Value],
    request: &Value,
    ignore_tools: bool,
) -> Reply {
    let last = messages.last();
    match last.and_then(role) {
        Some("tool") => {
            return Reply::Text(format!(
                "The tool said: {}",
                last.map(text_of).unwrap_or_default()
            ));
        }
        Some("user") if !ignore_tools => {
            if let Some(function) = chosen_function(request) {
                let name = function
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                let arguments = function
                    .get("parameters")
                    .map_or_else(|| json!({}), |schema| sample_value("", schema))
                    .to_string();
                let id = format!(
                    "call_{:016x}",
                    fnv1a(format!("{name}{arguments}{}", messages.len()).as_bytes())
                );
                return Reply::ToolCall {
                    id,
                    name,
                    arguments,
                };
            }
        }
        _ => {}
    }
    let said = messages
        .iter()
        .rev()
        .find(|m| role(m) == Some("user"))
        .map(text_of)
        .unwrap_or_default();
    Reply::Text(format!("Echo from {}: {said}", deployment.name))
}

/// The function the model "decides" to call: the one `tool_choice` names, else the first.
fn chosen_function(request: &Value) -> Option<&Value> {
    let mut functions = request
        .get("tools")?
        .as_array()?
        .iter()
        .filter(|tool| tool.get("type").and_then(Value::as_str) == Some("function"))
        .filter_map(|tool| tool.get("function"))
        .filter(|function| function.get("name").and_then(Value::as_str).is_some());
    match request.get("tool_choice") {
        Some(Value::String(choice)) if choice == "none" => None,
        Some(choice @ Value::Object(_)) => {
            let wanted = choice.pointer("/function/name")?.as_str()?;
            functions.find(|f| f.get("name").and_then(Value::as_str) == Some(wanted))
        }
        _ => functions.next(),
    }
}

/// A plausible value for a JSON-schema property named `name`.
fn sample_value(name: &str, schema: &Value) -> Value {
    if let Some(value) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|values| values.first())
        .or_else(|| schema.get("const"))
        .or_else(|| schema.get("default"))
    {
        return value.clone();
    }
    let kind = match schema.get("type") {
        Some(Value::String(kind)) => kind.as_str(),
        // `["string", "null"]`: the first non-null type.
        Some(Value::Array(kinds)) => kinds
            .iter()
            .filter_map(Value::as_str)
            .find(|kind| *kind != "null")
            .unwrap_or("null"),
        _ if schema.get("properties").is_some() => "object",
        _ => "string",
    };
    match kind {
        "object" => {
            let properties = schema
                .get("properties")
                .and_then(Value::as_object)
                .map(|properties| {
                    properties
                        .iter()
                        .map(|(key, property)| (key.clone(), sample_value(key, property)))
                        .collect::<Map<_, _>>()
                })
                .unwrap_or_default();
            Value::Object(properties)
        }
        "array" => match schema.get("items") {
            Some(items) => json!([sample_value(name, items)]),
            None => json!([]),
        },
        "integer" => schema.get("minimum").cloned().unwrap_or(json!(1)),
        "number" => schema.get("minimum").cloned().unwrap_or(json!(1.5)),
        "boolean" => json!(true),
        "null" => Value::Null,
        _ => json!(sample_string(name, schema)),
    }
}

fn sample_string(name: &str, schema: &Value) -> &'static str {
    let name = name.to_ascii_lowercase();
    match schema.get("format").and_then(Value::as_str) {
        Some("date") => return "2026-01-15",
        Some("date-time") => return "2026-01-15T09:30:00Z",
        Some("email") => return "someone@example.com",
        Some("uri" | "url") => return "https://example.com/",
        _ => {}
    }
    if ["location", "city", "place", "town"]
        .iter()
        .any(|word| name.contains(word))
    {
        "Seattle"
    } else if name.contains("country") {
        "US"
    } else if name.contains("email") {
        "someone@example.com"
    } else if name.contains("date") {
        "2026-01-15"
    } else {
        "sample"
    }
}

/// Rough token count (4 characters a token), never 0.
fn tokens(text: &str) -> u64 {
    (text.chars().count() as u64).div_ceil(4).max(1)
}

fn usage(messages: &[Value], reply: &Reply) -> Value {
    let prompt: u64 = messages.iter().map(|m| tokens(&text_of(m)) + 4).sum();
    let completion = match reply {
        Reply::Text(text) => tokens(text),
        Reply::ToolCall {
            name, arguments, ..
        } => tokens(name) + tokens(arguments),
    };
    json!({
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    })
}

/// FNV-1a: stable ids from request contents, the same on every run and platform.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Splits streamed text into at least three pieces when it has three characters: by words
/// (each keeps its trailing space), else by characters.
fn pieces(text: &str) -> Vec<String> {
    let words: Vec<String> = text.split_inclusive(' ').map(str::to_string).collect();
    if words.len() >= 3 {
        return words;
    }
    let chars: Vec<char> = text.chars().collect();
    let size = chars.len().div_ceil(3).max(1);
    chars.chunks(size).map(|c| c.iter().collect()).collect()
}

struct Completion {
    id: String,
    created: u64,
    model: String,
    reply: Reply,
    usage: Value,
    /// False under the wrong-shape fault: bodies and chunks come without `choices`.
    with_choices: bool,
}

impl Completion {
    fn envelope(&self, object: &str) -> Map<String, Value> {
        let mut envelope = Map::new();
        envelope.insert("id".into(), json!(self.id));
        envelope.insert("object".into(), json!(object));
        envelope.insert("created".into(), json!(self.created));
        envelope.insert("model".into(), json!(self.model));
        envelope.insert("system_fingerprint".into(), json!("fp_sandbox"));
        envelope
    }

    /// The `chat.completion` body.
    fn body(&self) -> Value {
        let message = match &self.reply {
            Reply::Text(text) => json!({ "role": "assistant", "content": text, "refusal": null }),
            Reply::ToolCall {
                id,
                name,
                arguments,
            } => json!({
                "role": "assistant",
                "content": null,
                "refusal": null,
                "tool_calls": [{
                    "id": id,
                    "type": "function",
                    "function": { "name": name, "arguments": arguments },
                }],
            }),
        };
        let mut body = self.envelope("chat.completion");
        if self.with_choices {
            body.insert(
                "choices".into(),
                json!([{
                    "index": 0,
                    "message": message,
                    "logprobs": null,
                    "finish_reason": self.reply.finish_reason(),
                }]),
            );
        }
        body.insert("usage".into(), self.usage.clone());
        Value::Object(body)
    }

    fn chunk(&self, delta: Value, finish_reason: Option<&str>) -> String {
        let mut chunk = self.envelope("chat.completion.chunk");
        if self.with_choices {
            chunk.insert(
                "choices".into(),
                json!([{
                    "index": 0,
                    "delta": delta,
                    "logprobs": null,
                    "finish_reason": finish_reason,
                }]),
            );
        }
        Value::Object(chunk).to_string()
    }

    /// SSE payloads: the role, the content (or tool-call arguments) in pieces, the finish
    /// reason, optionally the usage, then `[DONE]`.
    fn chunks(&self, include_usage: bool) -> Vec<String> {
        let mut chunks = Vec::new();
        match &self.reply {
            Reply::Text(text) => {
                chunks.push(self.chunk(json!({ "role": "assistant", "content": "" }), None));
                for piece in pieces(text) {
                    chunks.push(self.chunk(json!({ "content": piece }), None));
                }
            }
            Reply::ToolCall {
                id,
                name,
                arguments,
            } => {
                chunks.push(self.chunk(
                    json!({
                        "role": "assistant",
                        "content": null,
                        "tool_calls": [{
                            "index": 0,
                            "id": id,
                            "type": "function",
                            "function": { "name": name, "arguments": "" },
                        }],
                    }),
                    None,
                ));
                for piece in pieces(arguments) {
                    chunks.push(self.chunk(
                        json!({ "tool_calls": [{ "index": 0, "function": { "arguments": piece } }] }),
                        None,
                    ));
                }
            }
        }
        chunks.push(self.chunk(json!({}), Some(self.reply.finish_reason())));
        if include_usage {
            let mut last = self.envelope("chat.completion.chunk");
            last.insert("choices".into(), json!([]));
            last.insert("usage".into(), self.usage.clone());
            chunks.push(Value::Object(last).to_string());
        }
        chunks.push("[DONE]".to_string());
        chunks
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_follow_the_parameter_schema() {
        let schema = json!({
            "type": "object",
            "properties": {
                "location": { "type": "string", "description": "City name" },
                "unit": { "type": "string", "enum": ["celsius", "fahrenheit"] },
                "days": { "type": "integer" },
                "detailed": { "type": "boolean" },
                "tags": { "type": "array", "items": { "type": "string" } },
                "note": { "type": ["string", "null"] },
            },
            "required": ["location"],
        });
        assert_eq!(
            sample_value("", &schema),
            json!({
                "location": "Seattle",
                "unit": "celsius",
                "days": 1,
                "detailed": true,
                "tags": ["sample"],
                "note": "sample",
            })
        );
    }

    #[test]
    fn text_splits_into_at_least_three_pieces() {
        assert_eq!(pieces("Echo from a: hi"), ["Echo ", "from ", "a: ", "hi"]);
        assert_eq!(pieces("abcdefg").concat(), "abcdefg");
        assert!(pieces("abcdefg").len() >= 3);
        assert_eq!(pieces(r#"{"a":1}"#).concat(), r#"{"a":1}"#);
    }

    #[test]
    fn tool_choice_names_the_function() {
        let request = json!({
            "tools": [
                { "type": "function", "function": { "name": "first" } },
                { "type": "function", "function": { "name": "second" } },
            ],
            "tool_choice": { "type": "function", "function": { "name": "second" } },
        });
        assert_eq!(chosen_function(&request).unwrap()["name"], "second");
        let none = json!({ "tools": request["tools"], "tool_choice": "none" });
        assert!(chosen_function(&none).is_none());
    }
}
