//! Conversation and response items (the Responses API's `message`, `function_call` and
//! `function_call_output`), and how a run turns them into the chat-completions `messages` it
//! sends the gateway. The sandbox's Agent Service and the app's local runs share them.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use super::new_id;

/// Why an item was refused: the message and the `param` it is about.
pub type ItemError = (String, String);

pub const ROLES: [&str; 4] = ["user", "assistant", "system", "developer"];

/// A user message item holding `text`.
pub fn user_message(text: &str) -> Value {
    json!({
        "type": "message",
        "id": new_id("msg"),
        "status": "completed",
        "role": "user",
        "content": [{ "type": "input_text", "text": text }],
    })
}

fn text_field<'a>(
    item: &'a Map<String, Value>,
    key: &str,
    param: &str,
) -> Result<&'a str, ItemError> {
    match item.get(key) {
        Some(Value::String(text)) => Ok(text),
        None | Some(Value::Null) => Err((
            format!("Missing required parameter: '{param}.{key}'."),
            format!("{param}.{key}"),
        )),
        Some(_) => Err((
            format!("Invalid type for '{param}.{key}': expected a string."),
            format!("{param}.{key}"),
        )),
    }
}

/// `item` as the service stores it: with an `id` and `status`, message content as parts.
/// `param` locates it in the request (`input[0]`, `items[2]`).
pub fn normalize(item: &Value, param: &str) -> Result<Value, ItemError> {
    let Some(object) = item.as_object() else {
        return Err((
            format!("Invalid type for '{param}': expected an object."),
            param.to_string(),
        ));
    };
    let kind = match object.get("type") {
        Some(Value::String(kind)) => kind.as_str(),
        None | Some(Value::Null) if object.contains_key("role") => "message",
        None | Some(Value::Null) => {
            return Err((
                format!("Missing required parameter: '{param}.type'."),
                format!("{param}.type"),
            ));
        }
        Some(_) => {
            return Err((
                format!("Invalid type for '{param}.type': expected a string."),
                format!("{param}.type"),
            ));
        }
    };
    let id = |prefix: &str| {
        object
            .get("id")
            .and_then(Value::as_str)
            .map_or_else(|| new_id(prefix), str::to_string)
    };
    match kind {
        "message" => {
            let role = text_field(object, "role", param)?;
            if !ROLES.contains(&role) {
                return Err((
                    format!(
                        "Invalid value for '{param}.role': '{role}'. Supported values are: 'user', 'assistant', 'system' and 'developer'."
                    ),
                    format!("{param}.role"),
                ));
            }
            let part_type = if role == "assistant" {
                "output_text"
            } else {
                "input_text"
            };
            let content = match object.get("content") {
                Some(Value::String(text)) => json!([{ "type": part_type, "text": text }]),
                Some(Value::Array(parts)) => {
                    for (index, part) in parts.iter().enumerate() {
                        let part_param = format!("{param}.content[{index}]");
                        let Some(part) = part.as_object() else {
                            return Err((
                                format!("Invalid type for '{part_param}': expected an object."),
                                part_param,
                            ));
                        };
                        let kind = text_field(part, "type", &part_param)?;
                        if matches!(kind, "input_text" | "output_text" | "text") {
                            text_field(part, "text", &part_param)?;
                        }
                    }
                    Value::Array(parts.clone())
                }
                None | Some(Value::Null) => {
                    return Err((
                        format!("Missing required parameter: '{param}.content'."),
                        format!("{param}.content"),
                    ));
                }
                Some(_) => {
                    return Err((
                        format!(
                            "Invalid type for '{param}.content': expected a string or an array of content parts."
                        ),
                        format!("{param}.content"),
                    ));
                }
            };
            Ok(json!({
                "type": "message",
                "id": id("msg"),
                "status": "completed",
                "role": role,
                "content": content,
            }))
        }
        "function_call" => Ok(json!({
            "type": "function_call",
            "id": id("fc"),
            "call_id": text_field(object, "call_id", param)?,
            "name": text_field(object, "name", param)?,
            "arguments": text_field(object, "arguments", param)?,
            "status": "completed",
        })),
        "function_call_output" => {
            let call_id = text_field(object, "call_id", param)?;
            let output = match object.get("output") {
                Some(Value::String(text)) => text.clone(),
                None | Some(Value::Null) => {
                    return Err((
                        format!("Missing required parameter: '{param}.output'."),
                        format!("{param}.output"),
                    ));
                }
                // Structured outputs are passed on as their JSON text [I].
                Some(other) => other.to_string(),
            };
            Ok(json!({
                "type": "function_call_output",
                "id": id("fco"),
                "call_id": call_id,
                "output": output,
                "status": "completed",
            }))
        }
        other => Err((
            format!(
                "Invalid value for '{param}.type': '{other}'. Supported values are: 'message', 'function_call' and 'function_call_output'."
            ),
            format!("{param}.type"),
        )),
    }
}

/// The text of a message item's content parts.
pub fn message_text(item: &Value) -> String {
    match item.get("content") {
        Some(Value::String(text)) => text.clone(),
        Some(Value::Array(parts)) => parts
            .iter()
            .filter_map(|part| part.get("text").and_then(Value::as_str))
            .collect(),
        _ => String::new(),
    }
}

fn kind(item: &Value) -> &str {
    item.get("type").and_then(Value::as_str).unwrap_or_default()
}

fn field<'a>(item: &'a Value, key: &str) -> &'a str {
    item.get(key).and_then(Value::as_str).unwrap_or_default()
}

/// Every function call has its output, and every output answers an earlier call, as the
/// Responses API requires before it calls the model again.
pub fn check_tool_outputs(context: &[Value]) -> Result<(), ItemError> {
    let mut calls: Vec<&str> = Vec::new();
    let mut answered: BTreeSet<&str> = BTreeSet::new();
    for item in context {
        match kind(item) {
            "function_call" => calls.push(field(item, "call_id")),
            "function_call_output" => {
                let call_id = field(item, "call_id");
                if !calls.contains(&call_id) {
                    return Err((
                        format!(
                            "No tool call found for function call output with call_id {call_id}."
                        ),
                        "input".into(),
                    ));
                }
                answered.insert(call_id);
            }
            _ => {}
        }
    }
    match calls.iter().find(|call| !answered.contains(*call)) {
        Some(call_id) => Err((
            format!("No tool output found for function call {call_id}."),
            "input".into(),
        )),
        None => Ok(()),
    }
}

/// Whether the context holds anything for the model to answer (a message or a tool output).
pub fn has_prompt(context: &[Value]) -> bool {
    context
        .iter()
        .any(|item| matches!(kind(item), "message" | "function_call_output"))
}

/// The chat-completions `messages`: the agent's instructions as the system message, then the
/// items in order. Function calls become an assistant message's `tool_calls` (merged into the
/// assistant message right before them), outputs `tool` messages. `developer` messages go as
/// `system` [I] (not every gateway knows the `developer` role).
pub fn chat_messages(instructions: Option<&str>, context: &[Value]) -> Vec<Value> {
    let mut messages: Vec<Value> = Vec::new();
    if let Some(instructions) = instructions.filter(|i| !i.is_empty()) {
        messages.push(json!({ "role": "system", "content": instructions }));
    }
    let mut calls_open = false;
    for item in context {
        match kind(item) {
            "message" => {
                let role = match field(item, "role") {
                    "developer" => "system",
                    role => role,
                };
                messages.push(json!({ "role": role, "content": message_text(item) }));
                calls_open = role == "assistant";
            }
            "function_call" => {
                let call = json!({
                    "id": field(item, "call_id"),
                    "type": "function",
                    "function": { "name": field(item, "name"), "arguments": field(item, "arguments") },
                });
                match messages.last_mut() {
                    Some(last) if calls_open => {
                        if let Some(object) = last.as_object_mut() {
                            let calls = object.entry("tool_calls").or_insert_with(|| json!([]));
                            if let Some(calls) = calls.as_array_mut() {
                                calls.push(call);
                            }
                        }
                    }
                    _ => messages.push(json!({
                        "role": "assistant",
                        "content": null,
                        "tool_calls": [call],
                    })),
                }
                calls_open = true;
            }
            "function_call_output" => {
                messages.push(json!({
                    "role": "tool",
                    "tool_call_id": field(item, "call_id"),
                    "content": field(item, "output"),
                }));
                calls_open = false;
            }
            _ => calls_open = false,
        }
    }
    messages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_and_easy_messages_normalise() {
        let item = normalize(&json!({"role": "user", "content": "Hi"}), "input[0]").unwrap();
        assert_eq!(item["type"], "message");
        assert_eq!(
            item["content"],
            json!([{"type": "input_text", "text": "Hi"}])
        );
        assert!(item["id"].as_str().unwrap().starts_with("msg_"));
        let bad = normalize(&json!({"type": "image"}), "items[1]").unwrap_err();
        assert_eq!(bad.1, "items[1].type");
        let no_output = normalize(
            &json!({"type": "function_call_output", "call_id": "c"}),
            "input[0]",
        );
        assert_eq!(no_output.unwrap_err().1, "input[0].output");
    }

    #[test]
    fn a_tool_round_trip_becomes_chat_messages() {
        let context = vec![
            user_message("Weather?"),
            json!({"type": "function_call", "call_id": "call_1", "name": "get_weather", "arguments": "{}"}),
            json!({"type": "function_call_output", "call_id": "call_1", "output": "sunny"}),
        ];
        assert!(check_tool_outputs(&context).is_ok());
        assert_eq!(
            chat_messages(Some("Be brief."), &context),
            vec![
                json!({"role": "system", "content": "Be brief."}),
                json!({"role": "user", "content": "Weather?"}),
                json!({"role": "assistant", "content": null, "tool_calls": [
                    {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}
                ]}),
                json!({"role": "tool", "tool_call_id": "call_1", "content": "sunny"}),
            ]
        );
        let unanswered = &context[..2];
        assert!(
            check_tool_outputs(unanswered)
                .unwrap_err()
                .0
                .contains("call_1")
        );
        let stray = vec![json!({"type": "function_call_output", "call_id": "x", "output": ""})];
        assert!(
            check_tool_outputs(&stray)
                .unwrap_err()
                .0
                .contains("call_id x")
        );
    }
}
